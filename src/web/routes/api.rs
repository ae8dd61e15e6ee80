//! The integrators' API: completed dossiers in, survey links and QR codes out.
//! Every route here takes `Authorization: Bearer <API key>`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use utoipa::OpenApi;

use crate::domain::api_scope::ApiScope;
use crate::domain::submission::DossierSubmission;
use crate::domain::token;
use crate::services::api_clients;
use crate::services::dossiers::ingest::{
    self, Conflict, IngestContext, IngestError, Issued, ItemError,
};
use crate::web::db_call;
use crate::web::error::AppError;
use crate::web::state::AppState;

/// A completed dossier as the one-stop-shop system sends it.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documents the JSON body; parsing is field by field in domain::submission"
)]
pub struct DossierIn {
    /// The dossier's id in the one-stop-shop system (letters, digits and `. - _ / :`, at most 100).
    #[schema(pattern = r"^[A-Za-z0-9._/:-]{1,100}$")]
    dossier_id: String,
    /// The agency that handled it, as in `GET /api/v1/agencies`.
    #[schema(min_length = 1, max_length = 64)]
    agency_code: String,
    /// The procedure's national catalogue code.
    #[schema(min_length = 1, max_length = 64)]
    procedure_code: String,
    /// `citizen` or `business`.
    #[schema(pattern = "^(citizen|business)$")]
    applicant_kind: String,
    /// `online`, `counter` or `postal`.
    #[schema(pattern = "^(online|counter|postal)$")]
    channel: String,
    /// RFC 3339 with offset.
    #[schema(format = DateTime)]
    received_at: String,
    /// RFC 3339 with offset.
    #[schema(format = DateTime)]
    due_at: String,
    /// RFC 3339 with offset; not before `received_at`.
    #[schema(format = DateTime)]
    completed_at: String,
    /// Citizen ID number (12 digits) or tax code (10 or 13 digits); stored only as a keyed hash.
    #[schema(pattern = r"^[0-9][0-9 .-]{8,20}[0-9]$")]
    applicant_id: String,
    /// Optional; kept sealed until the invitation's last message (or an opt-out, or expiry).
    phone: Option<String>,
    /// Optional; kept sealed until the invitation's last message (or an opt-out, or expiry).
    email: Option<String>,
    /// Optional: the language of the messages and of the survey they link to, `vi` (default),
    /// `en` or `km` (every language with a catalogue).
    #[schema(pattern = "^(vi|en|km)$")]
    language: Option<String>,
}

/// A batch: at least one dossier, at most 1,000 (the bounds are part of the contract, so
/// that an API client generated from the document refuses an empty batch itself).
pub struct DossierBatch;

impl utoipa::PartialSchema for DossierBatch {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("DossierIn"))
            .min_items(Some(1))
            .max_items(Some(1000))
            .into()
    }
}

impl utoipa::ToSchema for DossierBatch {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "DossierIn".into(),
            <DossierIn as utoipa::PartialSchema>::schema(),
        ));
    }
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct IssuedList {
    pub dossiers: Vec<Issued>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ItemError>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "hailong integrators' API", description = "Completed dossiers in; one-time survey links out."),
    paths(post_dossiers, dossier_qr, post_opt_out),
    components(schemas(DossierIn, IssuedList, Issued, ErrorBody, ItemError, Conflict, StopReply, Received)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;
impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

fn error_json(status: StatusCode, error: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": error.into() }))
}

/// The API client whose key the request carries, if its key is of `scope`.
async fn authenticate(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    scope: ApiScope,
) -> Result<api_clients::ApiClient, AppError> {
    let key = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(bearer_credentials)
        .filter(|k| k.starts_with(token::API_KEY_PREFIX))
        .ok_or(AppError::BadApiKey)?;
    let hash = token::api_key_hash(&state.settings.secret, key);
    let client = db_call::blocking(&state.pool, move |conn| {
        api_clients::find_active(conn, &hash)
    })
    .await?
    .ok_or(AppError::BadApiKey)?;
    let theirs: ApiScope = client.scope.parse().unwrap_or_default();
    if theirs != scope {
        return Err(AppError::KeyScope(theirs));
    }
    Ok(client)
}

/// The credentials of an `Authorization: Bearer …` header; the scheme is case-insensitive
/// (RFC 7235).
fn bearer_credentials(header: &str) -> Option<&str> {
    let (scheme, credentials) = header.trim_start().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| credentials.trim())
}

#[utoipa::path(
    post,
    path = "/api/v1/dossiers",
    request_body(content = DossierBatch, description = "One dossier (an object) or a batch (an array of at most 1,000); a batch is stored whole or not at all."),
    responses(
        (status = 201, description = "At least one dossier was new; each gets its survey link", body = IssuedList),
        (status = 200, description = "Every dossier had been sent before with the same content: the same links", body = IssuedList),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Missing or invalid API key", body = ErrorBody),
        (status = 409, description = "A dossier id was sent before with different content, or by another API client", body = ErrorBody),
        (status = 413, description = "The body is larger than 4 MiB", body = ErrorBody),
        (status = 422, description = "Invalid fields, each named; or more than 1,000 dossiers", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn post_dossiers(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let client = authenticate(&req, &state, ApiScope::Integrator).await?;
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(error_json(
                StatusCode::BAD_REQUEST,
                format!("the body is not valid JSON: {e}"),
            ))
        }
    };
    let objects = match value {
        Value::Object(map) => vec![map],
        Value::Array(items) => {
            let mut objects = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                match item {
                    Value::Object(map) => objects.push(map),
                    _ => {
                        return Ok(error_json(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            format!("item {index} of the batch is not an object"),
                        ))
                    }
                }
            }
            objects
        }
        _ => {
            return Ok(error_json(
                StatusCode::UNPROCESSABLE_ENTITY,
                "expected a dossier object or an array of them",
            ))
        }
    };
    if objects.len() > ingest::MAX_BATCH {
        // A 422 like any other rule of the contract (the schema says at most 1,000); 413 is
        // for bodies over the byte limit, refused before they are read.
        return Err(IngestError::TooLarge(objects.len()).into());
    }
    let worker_state = state.clone();
    let issued = db_call::blocking(&state.pool, move |conn| {
        let secret = &worker_state.settings.secret;
        let parsed = objects
            .iter()
            .map(|m| DossierSubmission::parse(m, secret))
            .collect();
        let ctx = IngestContext {
            secret,
            public_url: &worker_state.settings.public_url,
            survey_validity: chrono::Duration::days(i64::from(
                worker_state.settings.survey_valid_days,
            )),
            actor: &format!("api:{}", client.name),
            client_id: Some(client.id),
            schedule: &worker_state.settings.reminders,
        };
        let _writing = worker_state.write_gate.enter();
        ingest::ingest(conn, &ctx, parsed)
    })
    .await?;
    let status = if issued
        .iter()
        .any(|i| i.status == ingest::IssuedStatus::Created)
    {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(HttpResponse::build(status).json(IssuedList { dossiers: issued }))
}

#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{dossier_id}/qr.svg",
    params(("dossier_id" = String, Path, description = "The dossier's id in the one-stop-shop system")),
    responses(
        (status = 200, description = "A QR code of the survey link, to print on the receipt", content_type = "image/svg+xml"),
        (status = 401, description = "Missing or invalid API key", body = ErrorBody),
        (status = 404, description = "No such dossier sent by this API client, or its survey has expired", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn dossier_qr(
    req: HttpRequest,
    state: web::Data<AppState>,
    dossier_id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = authenticate(&req, &state, ApiScope::Integrator).await?;
    let secret = state.settings.secret.clone();
    let public_url = state.settings.public_url.clone();
    let link = db_call::blocking(&state.pool, move |conn| {
        ingest::link_of(conn, &secret, &public_url, client.id, &dossier_id)
    })
    .await?
    .ok_or(AppError::NotFound)?;
    let svg = crate::views::qr::svg(&link, 200).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("a survey link too long for a QR code"))
    })?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .content_type("image/svg+xml")
        .body(svg))
}

/// A citizen's STOP reply to one of our messages, as the SMS gateway passes it on.
#[derive(serde::Deserialize, utoipa::ToSchema)]
pub struct StopReply {
    /// The `idempotency_key` of the message the citizen replied to.
    #[schema(pattern = "^hailong-invitation-[0-9]{1,9}-[0-9]{1,9}$")]
    message_key: String,
    /// The number the reply came from: it must be the one the message went to.
    phone: String,
}

/// What hailong says to every well-formed reply, whatever it did: a stop, a reply about a
/// dossier stopped before, a number the message did not go to and a key of no message all get
/// this answer, so that the endpoint tells no one which numbers and messages exist.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Received {
    /// Always `received`.
    status: &'static str,
}

#[utoipa::path(
    post,
    path = "/api/v1/opt-outs",
    request_body = StopReply,
    responses(
        (status = 200, description = "Received: if the number is the one the message went to, no more messages about that dossier (its contact erased). The answer is the same either way", body = Received),
        (status = 401, description = "Missing or invalid API key", body = ErrorBody),
        (status = 403, description = "The key is not an SMS gateway's (`hailong apikey create --scope gateway`)", body = ErrorBody),
        (status = 422, description = "Not a message key of ours, or not JSON of this shape", body = ErrorBody),
        (status = 429, description = "More than 120 replies from this key this minute", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn post_opt_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let client = authenticate(&req, &state, ApiScope::Gateway).await?;
    let minute = crate::clock::now().timestamp().div_euclid(60);
    if !state.key_limits.allow(
        client.id,
        minute,
        crate::web::key_limits::OPT_OUTS_PER_MINUTE,
    ) {
        return Err(AppError::TooManyRequests);
    }
    let Ok(reply) = serde_json::from_slice::<StopReply>(&body) else {
        return Ok(error_json(
            StatusCode::UNPROCESSABLE_ENTITY,
            "expected {\"message_key\": \"hailong-invitation-…\", \"phone\": \"…\"}",
        ));
    };
    let secret = state.settings.secret.clone();
    let gate = state.write_gate.clone();
    let outcome = db_call::blocking(&state.pool, move |conn| {
        let _writing = gate.enter();
        crate::services::dossiers::opt_out::stop_reply(
            conn,
            &secret,
            &reply.message_key,
            &reply.phone,
            crate::clock::now().naive_utc(),
        )
    })
    .await?;
    Ok(match outcome {
        None => error_json(
            StatusCode::UNPROCESSABLE_ENTITY,
            "message_key is not the idempotency key of one of our messages",
        ),
        Some(_) => HttpResponse::Ok().json(Received { status: "received" }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_credentials("Bearer hl_x"), Some("hl_x"));
        assert_eq!(bearer_credentials("bearer hl_x "), Some("hl_x"));
        assert_eq!(bearer_credentials("BEARER  hl_x"), Some("hl_x"));
        assert_eq!(bearer_credentials("Basic hl_x"), None);
        assert_eq!(bearer_credentials("Bearerhl_x"), None);
    }

    #[test]
    fn the_documented_languages_are_the_catalogued_ones() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let language = &doc["components"]["schemas"]["DossierIn"]["properties"]["language"];
        let codes: Vec<&str> = crate::domain::language::Lang::all()
            .map(|l| l.code())
            .collect();
        assert_eq!(
            language["pattern"].as_str(),
            Some(format!("^({})$", codes.join("|")).as_str()),
            "{language}"
        );
    }

    #[test]
    fn the_documented_fields_are_exactly_the_parsed_ones() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let props = doc["components"]["schemas"]["DossierIn"]["properties"]
            .as_object()
            .unwrap();
        let mut documented: Vec<&str> = props.keys().map(String::as_str).collect();
        let mut parsed = crate::domain::submission::FIELDS.to_vec();
        documented.sort_unstable();
        parsed.sort_unstable();
        assert_eq!(documented, parsed);
    }
}
