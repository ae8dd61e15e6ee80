// Mirrors migrations/sqlite (the tests run every query on both backends). Portable SQL types only.

diesel::table! {
    agencies (id) {
        id -> Integer,
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        level -> Text,
        kind -> Text,
        parent_id -> Nullable<Integer>,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        survey_policy -> Text,
        contact -> Nullable<Text>,
    }
}

diesel::table! {
    agency_successors (predecessor_id, successor_id) {
        predecessor_id -> Integer,
        successor_id -> Integer,
        effective_on -> Date,
    }
}

diesel::table! {
    procedures (id) {
        id -> Integer,
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        field -> Text,
    }
}

diesel::table! {
    dossiers (id) {
        id -> Integer,
        external_id -> Text,
        agency_id -> Integer,
        procedure_id -> Integer,
        applicant_kind -> Text,
        channel -> Text,
        received_at -> Timestamp,
        due_at -> Timestamp,
        completed_at -> Timestamp,
        contact_phone -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        created_at -> Timestamp,
        applicant_hash -> Nullable<Binary>,
        invited -> Bool,
        submitted_by -> Nullable<Integer>,
        contact_sealed -> Nullable<Binary>,
    }
}

diesel::table! {
    questionnaires (id) {
        id -> Integer,
        version -> Text,
        definition -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Integer,
        dossier_id -> Integer,
        token_hash -> Binary,
        questionnaire_id -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        token_salt -> Nullable<Binary>,
        opted_out_at -> Nullable<Timestamp>,
        code_hash -> Nullable<Binary>,
    }
}

diesel::table! {
    eid_sign_ins (key_hash) {
        key_hash -> Binary,
        invitation_sealed -> Binary,
        state_hash -> Binary,
        nonce -> Nullable<Text>,
        pkce_verifier -> Nullable<Text>,
        verified -> Bool,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    responses (id) {
        id -> Text,
        agency_id -> Integer,
        procedure_id -> Nullable<Integer>,
        procedure_field -> Nullable<Text>,
        applicant_kind -> Text,
        channel -> Text,
        quarter -> Text,
        questionnaire_version -> Text,
        comment -> Nullable<Text>,
        released_in -> Integer,
        mode -> Text,
        flag -> Nullable<Text>,
    }
}

diesel::table! {
    answers (response_id, item_code) {
        response_id -> Text,
        item_code -> Text,
        value -> Integer,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        agency_id -> Nullable<Integer>,
        disabled -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Integer,
        name -> Text,
        key_hash -> Binary,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        scope -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        subject -> Text,
        detail -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        invitation_id -> Integer,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        message -> Integer,
    }
}

diesel::table! {
    sessions (key_hash) {
        key_hash -> Binary,
        user_id -> Nullable<Integer>,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Integer,
        subject -> Binary,
        at -> Timestamp,
    }
}

diesel::table! {
    spent_links (token_key) {
        token_key -> Binary,
        quarter -> Text,
    }
}

diesel::table! {
    held_responses (id) {
        id -> Binary,
        sealed -> Binary,
    }
}

diesel::table! {
    releases (id) {
        id -> Integer,
        released_at -> Timestamp,
        responses -> Integer,
    }
}

diesel::table! {
    withheld_responses (agency_id, quarter) {
        agency_id -> Integer,
        quarter -> Text,
        responses -> Integer,
    }
}

diesel::table! {
    eid_daily_counts (identity_key, day) {
        identity_key -> Binary,
        day -> Date,
        answered -> Integer,
    }
}

diesel::table! {
    data_revisions (quarter, shard) {
        quarter -> Text,
        shard -> Integer,
        revision -> BigInt,
    }
}

diesel::table! {
    dashboard_reports (scope, kind, period) {
        scope -> Text,
        kind -> Text,
        period -> Text,
        basis -> Text,
        computed_at -> Timestamp,
        body -> Text,
    }
}

diesel::table! {
    dashboard_leases (scope) {
        scope -> Text,
        holder -> Text,
        until -> Timestamp,
    }
}

diesel::table! {
    secret_fingerprint (id) {
        id -> Integer,
        fingerprint -> Binary,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    survey_rate_windows (client_key, window_start) {
        client_key -> Binary,
        window_start -> Timestamp,
        requests -> Integer,
    }
}

diesel::table! {
    comment_marks (response_id) {
        response_id -> Text,
        status -> Text,
        note -> Text,
        marked_by -> Integer,
        marked_at -> Timestamp,
    }
}

diesel::table! {
    followups (id) {
        id -> Integer,
        agency_id -> Integer,
        grant_key -> Binary,
        problem_sealed -> Binary,
        contact_sealed -> Nullable<Binary>,
        language -> Text,
        submitted_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
        due_on -> Nullable<Date>,
        status -> Text,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Integer>,
        reply_key -> Nullable<Binary>,
        reply_attempts -> Integer,
        reply_next_at -> Nullable<Timestamp>,
        reply_claimed_until -> Nullable<Timestamp>,
        reply_sent_at -> Nullable<Timestamp>,
        reply_error -> Nullable<Text>,
        rating -> Nullable<Integer>,
        rated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    kiosks (id) {
        id -> Integer,
        agency_id -> Integer,
        name -> Text,
        credential_hash -> Binary,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    kiosk_failures (id) {
        id -> Integer,
        kiosk_id -> Integer,
        at -> Timestamp,
    }
}

diesel::table! {
    paper_entries (id) {
        id -> Integer,
        form_key -> Binary,
        entered_by -> Integer,
        sealed -> Binary,
        state -> Text,
        entered_at -> Timestamp,
    }
}

diesel::table! {
    kiosk_hours (kiosk_id, hour) {
        kiosk_id -> Integer,
        hour -> Timestamp,
        answered -> Integer,
    }
}

diesel::table! {
    address_days (address_key, day) {
        address_key -> Binary,
        day -> Date,
        answered -> Integer,
    }
}

diesel::table! {
    plans (year) {
        year -> Integer,
        source -> Text,
        on_time_percent -> Nullable<Double>,
        online_percent -> Nullable<Double>,
        e_authenticated_percent -> Nullable<Double>,
        satisfaction_index -> Nullable<Double>,
        par_index_rank -> Nullable<Integer>,
        papi_rank -> Nullable<Integer>,
        pci_rank -> Nullable<Integer>,
        updated_at -> Timestamp,
        updated_by -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(outbox -> invitations (invitation_id));
diesel::joinable!(answers -> responses (response_id));
diesel::joinable!(dossiers -> agencies (agency_id));
diesel::joinable!(dossiers -> procedures (procedure_id));
diesel::joinable!(invitations -> dossiers (dossier_id));
diesel::joinable!(invitations -> questionnaires (questionnaire_id));
diesel::joinable!(responses -> agencies (agency_id));
diesel::joinable!(responses -> procedures (procedure_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(withheld_responses -> agencies (agency_id));
diesel::joinable!(comment_marks -> responses (response_id));
diesel::joinable!(followups -> agencies (agency_id));
diesel::joinable!(dossiers -> api_clients (submitted_by));
diesel::joinable!(kiosks -> agencies (agency_id));
diesel::joinable!(kiosk_failures -> kiosks (kiosk_id));
diesel::joinable!(paper_entries -> users (entered_by));
diesel::joinable!(kiosk_hours -> kiosks (kiosk_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    agency_successors,
    procedures,
    dossiers,
    questionnaires,
    invitations,
    responses,
    answers,
    users,
    api_clients,
    audit_log,
    outbox,
    sessions,
    login_failures,
    eid_sign_ins,
    spent_links,
    held_responses,
    releases,
    withheld_responses,
    eid_daily_counts,
    comment_marks,
    followups,
    kiosks,
    kiosk_failures,
    paper_entries,
    kiosk_hours,
    address_days,
    plans,
);
