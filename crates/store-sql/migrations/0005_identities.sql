-- Kairos schema, version 5: single sign-on. A person signed in through an OpenID Connect
-- provider is known by the provider's issuer and subject (never by a name the provider
-- asserts, which could collide with a local account); sign-ins in flight keep their PKCE
-- verifier and nonce here so any node can finish them.

CREATE TABLE external_identities (
    issuer     TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

CREATE INDEX external_identities_user_idx ON external_identities (user_id);

-- The `state` of an authorization request, hashed; single use, short-lived.
CREATE TABLE pending_sign_ins (
    state_hash    TEXT   NOT NULL PRIMARY KEY,
    pkce_verifier TEXT   NOT NULL,
    nonce         TEXT   NOT NULL,
    return_to     TEXT   NOT NULL,
    expires_at    BIGINT NOT NULL
);

CREATE INDEX pending_sign_ins_expiry_idx ON pending_sign_ins (expires_at);
