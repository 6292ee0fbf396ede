-- Outward actions (status page, page, notify) of an incident declared by
-- someone who holds no role wait until a commander confirms them; the
-- confirmation outlives restarts.
ALTER TABLE incidents ADD COLUMN outward_confirmed BOOLEAN NOT NULL DEFAULT FALSE;
