-- The dashboard's history pages its incidents newest first, for every
-- workspace (a local viewer) or for one (a signed-in viewer): both orders
-- come from an index, so a page costs the same after 10,000 incidents.
CREATE INDEX incidents_declared ON incidents (declared_at DESC, id DESC);
CREATE INDEX incidents_tenant_declared ON incidents (platform, workspace, declared_at DESC, id DESC);
