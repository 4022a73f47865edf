-- Zero data retention per provider (issue 22): set by the operator (PUT /admin/providers/{slug} "zdr"),
-- never by the seed import; routing's provider.zdr keeps requests on providers marked true.
ALTER TABLE provider ADD COLUMN zdr BOOLEAN NOT NULL DEFAULT FALSE;
