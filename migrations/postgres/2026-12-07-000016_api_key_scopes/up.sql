-- What an API key may do: `integrator` (the one-stop-shop system: sends dossiers, reads their
-- links and QR codes) or `gateway` (the SMS gateway: passes on citizens' STOP replies, nothing
-- else). Keys made before were all integrators'.
ALTER TABLE api_clients ADD COLUMN scope TEXT NOT NULL DEFAULT 'integrator'
    CHECK (scope IN ('integrator', 'gateway'));
