-- Every provider, model and endpoint row records who owns it (column `source`, since V1):
--   seed  : written by the seed import; refreshed by later imports, and REMOVED by an import whose seed
--           no longer lists it (unless an operator's endpoint still uses the model/provider);
--   admin : written or last changed through the operator API;
--   k8s   : written by a provider ConfigMap.
-- Imports never touch admin or k8s rows. No reclassification is needed for existing rows: the admin API
-- and the ConfigMap watcher always stamped their rows, and the V1 default 'seed' only ever applied to
-- rows the seed import wrote (older seeds included, with the same id scheme), so those are seed-owned.
-- The constraint keeps a mistyped source from making a row silently unretractable or wrongly retractable.
ALTER TABLE provider ADD CONSTRAINT provider_source_check CHECK (source IN ('seed', 'admin', 'k8s'));
ALTER TABLE model    ADD CONSTRAINT model_source_check    CHECK (source IN ('seed', 'admin', 'k8s'));
ALTER TABLE endpoint ADD CONSTRAINT endpoint_source_check CHECK (source IN ('seed', 'admin', 'k8s'));
