-- The deployment state of a jworkers cluster. Every change bumps jw_state.revision in its transaction.
create table jw_state (
    id integer primary key check (id = 1),
    revision bigint not null
);
insert into jw_state (id, revision) values (1, 0);

-- Bundles by the SHA-256 of their content, stored once as a zip in 1 MiB chunks.
create table jw_bundles (
    sha256 text primary key,
    bytes bigint not null,
    chunks integer not null,
    stored_at timestamptz not null default now()
);
create table jw_bundle_chunks (
    sha256 text not null references jw_bundles (sha256) on delete cascade,
    seq integer not null,
    data bytea not null,
    primary key (sha256, seq)
);

-- One row per worker environment that has versions; current_version null: none current.
create table jw_environments (
    worker text not null,
    environment text not null,
    current_version integer,
    latest_version integer not null,
    revision bigint not null,
    primary key (worker, environment)
);

-- Every committed version; secrets sealed with AES-256-GCM by the hosts (never plain here).
create table jw_versions (
    worker text not null,
    environment text not null,
    number integer not null,
    created_at timestamptz not null,
    message text not null,
    sha256 text not null references jw_bundles (sha256),
    routes_taken jsonb not null,
    secrets bytea not null,
    primary key (worker, environment, number),
    foreign key (worker, environment) references jw_environments (worker, environment) on delete cascade
);
create index jw_versions_sha256 on jw_versions (sha256);

-- Secrets set before a worker environment's first deploy (sealed).
create table jw_pending_secrets (
    worker text not null,
    environment text not null,
    secrets bytea not null,
    primary key (worker, environment)
);

-- What each revision changed, for hosts catching up and for people reading the history.
create table jw_changes (
    revision bigint primary key,
    worker text not null,
    environment text not null,
    kind text not null,
    version integer,
    changed_at timestamptz not null default now()
);

-- The hosts of the cluster: what they applied and when they were last seen.
create table jw_hosts (
    host_id text primary key,
    address text not null,
    started_at timestamptz not null,
    heartbeat_at timestamptz not null,
    applied_revision bigint not null
);
