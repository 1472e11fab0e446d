-- Gradual deployments: which versions of a worker environment take traffic. current_version stays
-- the primary (the version most traffic reaches); split null means it takes all traffic. split
-- holds the shares newest first: [{"version": 4, "percent": 10}, {"version": 3, "percent": 90}].
-- A row whose current_version is null has versions that were only uploaded.
alter table jw_environments add column split jsonb, add column split_message text;
