-- Sign-in failure windows (per client address and per ticket), shared by every instance.
CREATE TABLE login_windows (
    key      TEXT PRIMARY KEY,
    started  TEXT NOT NULL,
    failures INTEGER NOT NULL
);
