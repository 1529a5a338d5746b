-- Settings fixed when the registry is first started, such as the log's origin, which is the
-- log's identity in every checkpoint and must never change afterwards.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
