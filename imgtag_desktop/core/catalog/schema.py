"""Numbered schema migrations for the catalog.

Each entry of :data:`MIGRATIONS` moves the schema from version ``n - 1`` to ``n`` and runs
in one transaction; ``PRAGMA user_version`` records the version reached. Never edit a
migration that has been released: append a new one.

Migration numbers are reserved per area so that work can proceed in parallel:
1 foundation (everything below), 2 tagging, 3 metadata writing, 4 search/albums.
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE folders (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL,              -- display form (UTF-8, undecodable bytes replaced)
    path_bytes    BLOB NOT NULL UNIQUE,       -- exact os.fsencode() form, the identity
    added_at      REAL NOT NULL,
    last_scan_at  REAL
);

CREATE TABLE photos (
    id            INTEGER PRIMARY KEY,
    folder_id     INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,              -- display form
    path_bytes    BLOB NOT NULL UNIQUE,       -- exact os.fsencode() form, the identity
    rel_dir       TEXT NOT NULL DEFAULT '',   -- folder of the file relative to its library folder
    size          INTEGER NOT NULL,
    mtime_ns      INTEGER NOT NULL,
    fingerprint   TEXT,                       -- blake2b(size + first 64 KiB); NULL when unreadable
    format        TEXT,                       -- jpeg | png | tiff | webp | heif | NULL when not an image
    width         INTEGER,
    height        INTEGER,
    orientation   INTEGER NOT NULL DEFAULT 1,
    taken_at      TEXT,                       -- ISO 8601 local time from EXIF DateTimeOriginal
    camera        TEXT,                       -- "Make Model"
    status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'broken', 'missing')),
    error         TEXT,                       -- why the file is broken / missing
    metadata_error TEXT,                      -- why the file's metadata cannot be parsed (never written)
    added_at      REAL NOT NULL,
    updated_at    REAL NOT NULL
);
CREATE INDEX photos_folder ON photos(folder_id);
CREATE INDEX photos_fingerprint ON photos(fingerprint);
CREATE INDEX photos_taken_at ON photos(taken_at);
CREATE INDEX photos_status ON photos(status);

CREATE TABLE tags (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- full path, '|' separated: 'places|paris'
    leaf      TEXT NOT NULL,                         -- last component: 'paris'
    parent_id INTEGER REFERENCES tags(id) ON DELETE CASCADE
);
CREATE INDEX tags_parent ON tags(parent_id);

CREATE TABLE photo_tags (
    photo_id      INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    tag_id        INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('suggested', 'approved', 'rejected')),
    source        TEXT NOT NULL CHECK (source IN ('model', 'manual', 'imported')),
    keyword_score REAL,
    visual_score  REAL,
    model_version TEXT,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    PRIMARY KEY (photo_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX photo_tags_tag_state ON photo_tags(tag_id, state, visual_score);
CREATE INDEX photo_tags_state ON photo_tags(state);

CREATE TABLE captions (
    photo_id      INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
    caption       TEXT NOT NULL,
    model_version TEXT NOT NULL,
    created_at    REAL NOT NULL
);

CREATE TABLE embeddings (
    photo_id      INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
    model_version TEXT NOT NULL,
    dim           INTEGER NOT NULL,
    vector        BLOB NOT NULL,              -- float32, L2-normalised, little-endian
    created_at    REAL NOT NULL
);

-- The explanation of the last tagging run of each photo: every candidate considered.
CREATE TABLE candidates (
    photo_id      INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('caption', 'vocabulary', 'library')),
    keyword_score REAL,
    visual_score  REAL,
    raw_score     REAL,
    decision      TEXT NOT NULL,              -- suggested | below-threshold | rejected-before | approved-before
    PRIMARY KEY (photo_id, text)
) WITHOUT ROWID;

-- One row per photo analysed: which models produced its tags, so a run resumes.
CREATE TABLE analyses (
    photo_id      INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
    models_key    TEXT NOT NULL,              -- identifies captioner+keywords+visual model versions
    fingerprint   TEXT,                       -- of the file when it was analysed
    analysed_at   REAL NOT NULL,
    error         TEXT
);

CREATE TABLE albums (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    query       TEXT NOT NULL,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL
);

-- Every metadata write, with the previous values of the managed fields, for undo.
CREATE TABLE metadata_writes (
    id          INTEGER PRIMARY KEY,
    photo_id    INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    target      TEXT NOT NULL,                -- the file written (photo or sidecar)
    mode        TEXT NOT NULL,                -- sidecar | embedded
    previous    TEXT NOT NULL,                -- JSON: managed fields before the write
    written     TEXT NOT NULL,                -- JSON: managed fields after the write
    written_at  REAL NOT NULL,
    undone_at   REAL
);
CREATE INDEX metadata_writes_photo ON metadata_writes(photo_id);

-- Per-library settings (JSON values), e.g. metadata write mode.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
"""

# 2 (tagging): the threshold each analysis decided with (for explanations), and lookups by models.
SCHEMA_V2_TAGGING = """
ALTER TABLE analyses ADD COLUMN threshold REAL;
CREATE INDEX analyses_models_key ON analyses(models_key);
"""

# 3 (metadata): writes grouped in batches for undo; the keywords last seen in each file,
# so a keyword the person removed is not imported again and counts as ours to remove.
SCHEMA_V3_METADATA = """
ALTER TABLE metadata_writes ADD COLUMN batch TEXT;
CREATE INDEX metadata_writes_batch ON metadata_writes(batch);
CREATE TABLE file_keywords (
    photo_id   INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
    keywords   TEXT NOT NULL,                 -- JSON list of tag names last read from or written to the file
    seen_at    REAL NOT NULL
);
"""

# 4 search/albums: indexes for query fields, and a change counter on embeddings so the
# in-memory embedding matrix is reloaded only when embeddings change.
SCHEMA_V4_SEARCH = """
CREATE INDEX IF NOT EXISTS photos_rel_dir ON photos(rel_dir);
CREATE INDEX IF NOT EXISTS photos_format ON photos(format);
CREATE INDEX IF NOT EXISTS photos_camera ON photos(camera);
CREATE TABLE IF NOT EXISTS change_counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO change_counters (name, value) VALUES ('embeddings', 0);
CREATE TRIGGER IF NOT EXISTS embeddings_counter_insert AFTER INSERT ON embeddings BEGIN
    UPDATE change_counters SET value = value + 1 WHERE name = 'embeddings';
END;
CREATE TRIGGER IF NOT EXISTS embeddings_counter_update AFTER UPDATE ON embeddings BEGIN
    UPDATE change_counters SET value = value + 1 WHERE name = 'embeddings';
END;
CREATE TRIGGER IF NOT EXISTS embeddings_counter_delete AFTER DELETE ON embeddings BEGIN
    UPDATE change_counters SET value = value + 1 WHERE name = 'embeddings';
END;
"""

# 5: how many approved tags each photo has, kept by triggers, so `untagged` (and "has any
# approved tag") is an index lookup instead of a probe into photo_tags for every photo.
# Connections run with recursive_triggers on, so INSERT OR REPLACE fires the delete trigger.
SCHEMA_V5_APPROVED_COUNT = """
ALTER TABLE photos ADD COLUMN approved_tags INTEGER NOT NULL DEFAULT 0;
UPDATE photos SET approved_tags =
    (SELECT count(*) FROM photo_tags pt WHERE pt.photo_id = photos.id AND pt.state = 'approved');
CREATE INDEX photos_untagged ON photos(id) WHERE approved_tags = 0;
CREATE TRIGGER photo_tags_approved_insert AFTER INSERT ON photo_tags WHEN NEW.state = 'approved' BEGIN
    UPDATE photos SET approved_tags = approved_tags + 1 WHERE id = NEW.photo_id;
END;
CREATE TRIGGER photo_tags_approved_delete AFTER DELETE ON photo_tags WHEN OLD.state = 'approved' BEGIN
    UPDATE photos SET approved_tags = approved_tags - 1 WHERE id = OLD.photo_id;
END;
CREATE TRIGGER photo_tags_approved_update AFTER UPDATE OF state, photo_id ON photo_tags
WHEN (OLD.state = 'approved') != (NEW.state = 'approved') OR OLD.photo_id != NEW.photo_id BEGIN
    UPDATE photos SET approved_tags = approved_tags - (OLD.state = 'approved') WHERE id = OLD.photo_id;
    UPDATE photos SET approved_tags = approved_tags + (NEW.state = 'approved') WHERE id = NEW.photo_id;
END;
"""

# 6 suggestions: every stored candidate keeps the features the ranking needs (so re-ranking never
# runs a model), every approve/reject is logged with the candidate's features (learning), and the
# person's mute/unmute choices. In photo_tags, the visual_score of a model suggestion is its
# confidence (P(you approve)) since this migration; the candidates table keeps the visual score.
SCHEMA_V6_SUGGESTIONS = """
ALTER TABLE candidates ADD COLUMN margin REAL;                -- cos(x, t) - cos(x, neutral text)
ALTER TABLE candidates ADD COLUMN caption_similarity REAL;    -- keyword-model cosine to the caption
ALTER TABLE candidates ADD COLUMN duplicate_group INTEGER;    -- near-duplicates on the photo share it
ALTER TABLE candidates ADD COLUMN confidence REAL;            -- of the last ranking
ALTER TABLE candidates ADD COLUMN rank INTEGER;               -- 1-based, by the model prior, in the photo
ALTER TABLE candidates ADD COLUMN name TEXT;                  -- the tag it suggests (tag language); NULL: text
CREATE TABLE decisions (
    id                 INTEGER PRIMARY KEY,
    photo_id           INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    tag                TEXT NOT NULL COLLATE NOCASE,
    label              INTEGER NOT NULL CHECK (label IN (0, 1)),   -- 1 approved, 0 rejected
    action             TEXT NOT NULL,                              -- approve | reject | add | remove
    models_key         TEXT,
    origin             TEXT,
    keyword_score      REAL,
    visual_score       REAL,
    raw_score          REAL,
    margin             REAL,
    caption_similarity REAL,
    rank               INTEGER,
    decided_at         REAL NOT NULL
);
CREATE INDEX decisions_photo_tag ON decisions(photo_id, tag);
CREATE INDEX decisions_tag ON decisions(tag);
CREATE TABLE tag_mutes (
    tag         TEXT PRIMARY KEY COLLATE NOCASE,
    state       TEXT NOT NULL CHECK (state IN ('muted', 'unmuted')),
    rejections  INTEGER NOT NULL,     -- rejections when the person chose this state
    changed_at  REAL NOT NULL
) WITHOUT ROWID;
"""

# 7 robustness: keyword import is part of what a scan resumes (a photo row new or changed
# since its file's keywords were last read is pending until they are), and a metadata write
# records the file state it expects before the rename, so a kill between the rename and the
# catalog update is recognised as done by the next run.
SCHEMA_V7_RESUME = """
ALTER TABLE photos ADD COLUMN keywords_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX photos_keywords_pending ON photos(id) WHERE keywords_pending = 1;
ALTER TABLE metadata_writes ADD COLUMN expected_state TEXT;
"""

SCHEMA_V8_PROBLEMS = """
-- Per-photo problems the window's jobs met (cannot decode, cannot tag, cannot write): kept
-- across restarts (Tools > Problems) and found by the query state:broken.
CREATE TABLE IF NOT EXISTS problems (
    id         INTEGER PRIMARY KEY,
    photo_id   INTEGER REFERENCES photos(id) ON DELETE CASCADE,   -- NULL when the file is not a photo yet
    path       TEXT NOT NULL,
    job        TEXT NOT NULL,                                     -- scan | tagging | thumbnail | write | ...
    reason     TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (path, job, reason)
);
CREATE INDEX IF NOT EXISTS problems_photo ON problems(photo_id);
-- Tag names folded (no case, no accents: Zürich -> zurich) for matching in search and
-- completion; imgtag_fold is registered on every catalog connection. The stored name keeps
-- its accents.
ALTER TABLE tags ADD COLUMN fold TEXT;
UPDATE tags SET fold = imgtag_fold(name);
CREATE INDEX tags_fold ON tags(fold);
"""

# 9 places and duplicates: each photo's GPS reading (position or why it is unusable), a
# perceptual hash per photo for near-duplicate grouping, and 'gps' as the source of place
# tags (SQLite cannot alter a CHECK constraint: photo_tags is rebuilt with the same rows,
# indexes and migration-5 triggers; DROP TABLE fires no triggers, so approved counts hold).
SCHEMA_V9_PLACES = """
CREATE TABLE photo_gps (
    photo_id   INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
    latitude   REAL,
    longitude  REAL,
    error      TEXT,                          -- why the GPS field is unusable (shown in Problems)
    read_at    REAL NOT NULL
);
CREATE TABLE photo_hashes (
    photo_id    INTEGER PRIMARY KEY REFERENCES photos(id) ON DELETE CASCADE,
    fingerprint TEXT,                         -- of the file the hash was computed from
    dhash       INTEGER NOT NULL              -- 64-bit difference hash, as a signed integer
);
CREATE TABLE photo_tags_v9 (
    photo_id      INTEGER NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
    tag_id        INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('suggested', 'approved', 'rejected')),
    source        TEXT NOT NULL CHECK (source IN ('model', 'manual', 'imported', 'gps')),
    keyword_score REAL,
    visual_score  REAL,
    model_version TEXT,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL,
    PRIMARY KEY (photo_id, tag_id)
) WITHOUT ROWID;
INSERT INTO photo_tags_v9 SELECT photo_id, tag_id, state, source, keyword_score, visual_score, model_version,
    created_at, updated_at FROM photo_tags;
DROP TABLE photo_tags;
ALTER TABLE photo_tags_v9 RENAME TO photo_tags;
CREATE INDEX photo_tags_tag_state ON photo_tags(tag_id, state, visual_score);
CREATE INDEX photo_tags_state ON photo_tags(state);
CREATE TRIGGER photo_tags_approved_insert AFTER INSERT ON photo_tags WHEN NEW.state = 'approved' BEGIN
    UPDATE photos SET approved_tags = approved_tags + 1 WHERE id = NEW.photo_id;
END;
CREATE TRIGGER photo_tags_approved_delete AFTER DELETE ON photo_tags WHEN OLD.state = 'approved' BEGIN
    UPDATE photos SET approved_tags = approved_tags - 1 WHERE id = OLD.photo_id;
END;
CREATE TRIGGER photo_tags_approved_update AFTER UPDATE OF state, photo_id ON photo_tags
WHEN (OLD.state = 'approved') != (NEW.state = 'approved') OR OLD.photo_id != NEW.photo_id BEGIN
    UPDATE photos SET approved_tags = approved_tags - (OLD.state = 'approved') WHERE id = OLD.photo_id;
    UPDATE photos SET approved_tags = approved_tags + (NEW.state = 'approved') WHERE id = NEW.photo_id;
END;
"""

MIGRATIONS: dict[int, str] = {
    1: SCHEMA_V1,
    2: SCHEMA_V2_TAGGING,
    3: SCHEMA_V3_METADATA,
    4: SCHEMA_V4_SEARCH,
    5: SCHEMA_V5_APPROVED_COUNT,
    6: SCHEMA_V6_SUGGESTIONS,
    7: SCHEMA_V7_RESUME,
    8: SCHEMA_V8_PROBLEMS,
    9: SCHEMA_V9_PLACES,
}
