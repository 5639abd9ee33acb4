-- labeling 0.1.0 -> 0.2.0
--
-- Every change to the extension's SQL objects since 0.1.0, in the order the
-- changes were made.  The upgrade test (test/t/004_upgrade.pl) checks that a
-- 0.1.0 database updated with this script has the catalog of a fresh 0.2.0
-- install and keeps every row.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION labeling UPDATE TO '0.2.0'" to load this file. \quit

-- ===========================================================================
-- The schemas and the version
-- ===========================================================================

COMMENT ON SCHEMA @extschema@ IS
	'labeling extension: crowdsourced data labeling (types, aggregates, the labeling operation''s tables, views and functions)';
CREATE SCHEMA labeling_internal;
COMMENT ON SCHEMA labeling_internal IS
	'labeling extension: internal support functions (type I/O, aggregate support, triggers, live pipeline helpers); nothing to call by hand';
GRANT USAGE ON SCHEMA labeling_internal TO labeling_admin, labeling_analyst;

CREATE FUNCTION @extschema@.version() RETURNS text
	AS 'MODULE_PATHNAME', 'labeling_version'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.version() IS
	'version of the loaded labeling library (pg_extension.extversion is the version of the SQL objects)';

-- ===========================================================================
-- Support functions move to labeling_internal (\df labeling.* lists what a
-- user calls)
-- ===========================================================================

ALTER FUNCTION @extschema@.agreement_pairs_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.agreement_pairs_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.agreement_pairs_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.agreement_units_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.agreement_units_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.agreement_units_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.assignments_after_change() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_model_in(cstring) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_model_out(@extschema@.bt_model) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_model_recv(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_model_send(@extschema@.bt_model) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_transfn(internal, bigint, bigint, bigint) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_transfn(internal, text, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_worker_transfn(internal, bigint, bigint, bigint, bigint) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_worker_transfn(internal, bigint, bigint, bigint, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_worker_transfn(internal, text, text, text, bigint) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.bt_rank_worker_transfn(internal, text, text, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.cohen_kappa_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.cohen_kappa_transfn(internal, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.comparisons_after_write() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.dispatch_caller() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.dispatch_random() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.dispatch_worker(bigint) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.fleiss_kappa_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.fleiss_kappa_transfn(internal, bigint, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.fleiss_kappa_transfn(internal, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.golden_labels_after_change() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.judgments_after_change() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.judgments_after_insert() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.judgments_after_truncate() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, double precision, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, bigint, anyelement, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, double precision, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.krippendorff_transfn(internal, text, anyelement, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_eq(@extschema@.label_dist, @extschema@.label_dist) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_from_jsonb(jsonb) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_hash(@extschema@.label_dist) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_in(cstring) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_ne(@extschema@.label_dist, @extschema@.label_dist) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_out(@extschema@.label_dist) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_recv(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_send(@extschema@.label_dist) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.label_dist_to_jsonb(@extschema@.label_dist) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_agreement(bigint[], bigint[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_agreement_min_counted(text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_agrees(text, text, text, text, @extschema@.label_dist, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_analyze() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_bulk_mode(bigint, regclass) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_bulk_mode_end(text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_check_judgment(bigint, bigint, bigint, text, double precision, integer, bigint, boolean) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_lock_workers(bigint[], bigint[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_needed(text, boolean, text, integer, integer, integer) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_notify_events(bigint[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_qc(bigint[], bigint[], text[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_tasks(bigint[], bigint[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_update(bigint[], bigint[], bigint[], bigint[], boolean, boolean, boolean) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_update_project(bigint, boolean) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_values_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_values_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_values_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_worker_banned(text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.live_worker_stats(bigint[], bigint[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.majority_vote_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.median_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.median_transfn(internal, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.one_coin_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.one_coin_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.one_coin_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.one_coin_loo_agrees(@extschema@.label_dist, text, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.one_coin_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.one_coin_transfn(internal, text, double precision, text[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.projects_after_write() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.projects_before_write() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.repeated_key_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.repeated_key_transfn(internal, bigint) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.tasks_after_insert() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.tasks_after_update() SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_dawid_skene_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_glad_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_model_in(cstring) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_model_out(@extschema@.truth_model) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_model_recv(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_model_send(@extschema@.truth_model) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_one_coin_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, bigint, bigint, text, text, @extschema@.truth_options) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, bigint, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, bigint, text, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, bigint, text, text, text, @extschema@.truth_options) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, text, bigint, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, text, bigint, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, text, bigint, text, text, @extschema@.truth_options) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, text, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, text, text, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_transfn(internal, text, text, text, text, @extschema@.truth_options) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.truth_wawa_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.vote_combine(internal, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.vote_deserialize(bytea, internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.vote_dist_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.vote_serialize(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.vote_transfn(internal, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.vote_weighted_transfn(internal, text, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_class_skill_finalfn(internal) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_class_skill_prior_transfn(internal, text, text, double precision, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_class_skill_transfn(internal, text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_skill_bool_prior_transfn(double precision[], boolean, double precision, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_skill_bool_transfn(double precision[], boolean) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_skill_combine(double precision[], double precision[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_skill_finalfn(double precision[]) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_skill_prior_transfn(double precision[], text, text, double precision, double precision) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.worker_skill_transfn(double precision[], text, text) SET SCHEMA labeling_internal;
ALTER FUNCTION @extschema@.workers_after_update() SET SCHEMA labeling_internal;
ALTER AGGREGATE @extschema@.repeated_key(bigint) SET SCHEMA labeling_internal;
ALTER VIEW @extschema@.live_worker_agreement SET SCHEMA labeling_internal;

-- ===========================================================================
-- New tables
-- ===========================================================================

-- Every completion and reopening of a task, as NOTIFY announces it: the
-- notification carries only the event_id, and a listener reads the event
-- back through its own privileges (workers cannot).
CREATE TABLE @extschema@.task_events (
	event_id			bigint GENERATED BY DEFAULT AS IDENTITY,
	project_id			bigint NOT NULL,
	task_id				bigint NOT NULL,
	status				text NOT NULL,
	label				text,
	confidence			double precision,
	judgments			integer NOT NULL,
	created_at			timestamptz NOT NULL DEFAULT pg_catalog.now(),
	task_external_id	text,
	project_name		text,
	CONSTRAINT task_events_pkey PRIMARY KEY (event_id),
	CONSTRAINT task_events_project_fkey FOREIGN KEY (project_id)
		REFERENCES @extschema@.projects (project_id) ON DELETE CASCADE,
	CONSTRAINT task_events_task_fkey FOREIGN KEY (task_id)
		REFERENCES @extschema@.tasks (task_id) ON DELETE CASCADE,
	CONSTRAINT task_events_status_check CHECK (status IN ('complete', 'open'))
);
CREATE INDEX task_events_task_idx ON @extschema@.task_events (task_id, event_id);
CREATE INDEX task_events_project_idx ON @extschema@.task_events (project_id, event_id);
COMMENT ON TABLE @extschema@.task_events IS
	'every completion (status complete) and reopening (status open) of a task, with its label and confidence then; NOTIFY labeling_task_complete / labeling_task_reopen carry the event_id';
COMMENT ON COLUMN @extschema@.task_events.judgments IS
	'counted judgments of the task at the event';
COMMENT ON COLUMN @extschema@.task_events.task_external_id IS
	'the task''s external id when the event was recorded';
COMMENT ON COLUMN @extschema@.task_events.project_name IS
	'the project''s name when the event was recorded';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.task_events', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.task_events_event_id_seq', '');

-- ===========================================================================
-- Changed tables and indexes
-- ===========================================================================

-- next_tasks() looks up every assignment a worker ever had of a golden task
DROP INDEX @extschema@.assignments_worker_idx;
CREATE INDEX assignments_worker_idx ON @extschema@.assignments (worker_id, task_id);

-- events name the worker and the project as they were when recorded
ALTER TABLE @extschema@.qc_events ADD COLUMN worker_external_id text, ADD COLUMN project_name text;
COMMENT ON COLUMN @extschema@.qc_events.worker_external_id IS
	'the worker''s external id when the event was recorded';
COMMENT ON COLUMN @extschema@.qc_events.project_name IS
	'the project''s name when the event was recorded (NULL for an account ban)';
UPDATE @extschema@.qc_events e SET worker_external_id = w.external_id
FROM @extschema@.workers w WHERE w.worker_id = e.worker_id;
UPDATE @extschema@.qc_events e SET project_name = p.name
FROM @extschema@.projects p WHERE p.project_id = e.project_id;

-- ===========================================================================
-- Functions whose result columns change (they also give the workers'
-- external ids): dropped here, created again below
-- ===========================================================================

DROP FUNCTION @extschema@.pairwise_kappa(integer, bigint);
DROP FUNCTION @extschema@.worker_agreement(bigint);

-- ===========================================================================
-- New functions
-- ===========================================================================

-- How errors and evidence name a task, a worker or a project: the id and the
-- external id or name, so that a report needs no join ("task 15 ('img15')").
CREATE FUNCTION labeling_internal.describe_task(p_task_id bigint) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN 'task ' || p_task_id || coalesce(
		(SELECT ' (' || quote_literal(t.external_id) || ')' FROM @extschema@.tasks t
		 WHERE t.task_id = p_task_id), '');
COMMENT ON FUNCTION labeling_internal.describe_task(bigint) IS
	'internal: a task as errors name it, with its external id';

CREATE FUNCTION labeling_internal.describe_worker(p_worker_id bigint) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN 'worker ' || p_worker_id || coalesce(
		(SELECT ' (' || quote_literal(w.external_id) || ')' FROM @extschema@.workers w
		 WHERE w.worker_id = p_worker_id), '');
COMMENT ON FUNCTION labeling_internal.describe_worker(bigint) IS
	'internal: a worker as errors name it, with its external id';

CREATE FUNCTION labeling_internal.describe_project(p_project_id bigint) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN 'project ' || p_project_id || coalesce(
		(SELECT ' (' || quote_literal(p.name) || ')' FROM @extschema@.projects p
		 WHERE p.project_id = p_project_id), '');
COMMENT ON FUNCTION labeling_internal.describe_project(bigint) IS
	'internal: a project as errors name it, with its name';

-- Events carry the external ids and names of what they are about, as they
-- were when the event was recorded, so that a report of events needs no join.
CREATE FUNCTION labeling_internal.events_describe()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_TABLE_NAME = 'qc_events' THEN
		NEW.worker_external_id := coalesce(NEW.worker_external_id,
			(SELECT w.external_id FROM @extschema@.workers w WHERE w.worker_id = NEW.worker_id));
	ELSE
		NEW.task_external_id := coalesce(NEW.task_external_id,
			(SELECT t.external_id FROM @extschema@.tasks t WHERE t.task_id = NEW.task_id));
	END IF;
	NEW.project_name := coalesce(NEW.project_name,
		(SELECT p.name FROM @extschema@.projects p WHERE p.project_id = NEW.project_id));
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION labeling_internal.events_describe() IS
	'trigger: name the worker or task and the project of a new qc_events or task_events row';

-- not STRICT: a trigger function
CREATE FUNCTION labeling_internal.live_restore_guard() RETURNS trigger
	AS 'MODULE_PATHNAME', 'live_restore_guard'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION labeling_internal.live_restore_guard() IS
	'trigger: in a session restoring a dump, load the rows as dumped (session_replication_role = replica for the transaction; superuser only)';

-- Give every table whose rows pg_dump keeps (extconfig) its guard, once.
-- Run by the install script and again by every upgrade script, so that the
-- tables an upgrade adds are guarded as in a fresh install.
CREATE FUNCTION labeling_internal.live_restore_guards()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT c.oid::regclass AS tbl, c.relname
		FROM pg_extension e
		CROSS JOIN LATERAL unnest(e.extconfig) AS x(oid)
		JOIN pg_class c ON c.oid = x.oid
		WHERE e.extname = 'labeling' AND c.relkind = 'r'
		  AND NOT EXISTS (SELECT 1 FROM pg_trigger t
						  WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_restore_guard')
		ORDER BY c.relname
	LOOP
		EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
					   r.relname || '_restore_guard', r.tbl, 'labeling_internal.live_restore_guard');
		EXECUTE format('COMMENT ON TRIGGER %I ON %s IS %L', r.relname || '_restore_guard', r.tbl,
					   'a session restoring a dump loads the rows as dumped (see live_restore_guard)');
	END LOOP;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_restore_guards() IS
	'internal: give every table of the extension kept by pg_dump its restore guard trigger (run by the install and upgrade scripts)';

-- The default privileges of every table, view and function of the
-- extension's schemas, applied at the end of the install script and again at
-- the end of every upgrade script, so that the objects an upgrade adds get
-- the same privileges as in a fresh install:
--   tables: admin reads and writes, analyst reads;
--   views: admin and analyst read (my_assignments is the workers' view);
--   functions that read or write tables (every non-IMMUTABLE one): for
--     labeling_admin only, who fires the triggers that call them.
-- The grants below it (workers' dispatch functions, analysts' read-only
-- analyses) are stated one by one.
CREATE FUNCTION labeling_internal.roles_grant_defaults()
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT format('%I.%I', n.nspname, c.relname) AS rel, c.relname, c.relkind
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN ('@extschema@', 'labeling_internal') AND c.relkind = ANY (ARRAY['r', 'v']::"char"[])
		ORDER BY c.relname
	LOOP
		IF r.relkind = 'r' THEN
			EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO labeling_admin', r.rel);
			EXECUTE format('GRANT SELECT ON TABLE %s TO labeling_analyst', r.rel);
		ELSIF r.relname <> 'my_assignments' THEN
			EXECUTE format('GRANT SELECT ON TABLE %s TO labeling_admin, labeling_analyst', r.rel);
		END IF;
	END LOOP;
	FOR r IN
		SELECT format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) AS fn
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname IN ('@extschema@', 'labeling_internal') AND p.prokind = 'f' AND p.provolatile <> 'i'
		ORDER BY 1
	LOOP
		EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', r.fn);
		EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO labeling_admin', r.fn);
	END LOOP;
END
$$;
COMMENT ON FUNCTION labeling_internal.roles_grant_defaults() IS
	'internal: the default privileges of the extension''s tables, views and functions (run by the install and upgrade scripts)';

CREATE FUNCTION @extschema@.pairwise_kappa(min_overlap integer, project_id bigint DEFAULT NULL,
		OUT worker_a bigint, OUT worker_b bigint, OUT n_common bigint,
		OUT observed_agreement double precision, OUT kappa double precision,
		OUT worker_a_external_id text, OUT worker_b_external_id text)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF min_overlap IS NULL OR min_overlap < 1 THEN
		RAISE EXCEPTION 'min_overlap must be a positive integer'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('Got %s.', coalesce(min_overlap::text, 'NULL')),
				  HINT = 'It is the least number of tasks two workers must share to be compared.';
	END IF;
	RETURN QUERY
	WITH latest AS (
		SELECT * FROM @extschema@.latest_judgments(pairwise_kappa.project_id)
	)
	SELECT k.worker_a, k.worker_b, k.n_common, k.observed_agreement, k.kappa,
		   wa.external_id, wb.external_id
	FROM (SELECT a.worker_id AS worker_a, b.worker_id AS worker_b, count(*) AS n_common,
				 avg(CASE WHEN a.label = b.label THEN 1.0 ELSE 0.0 END)::double precision
					 AS observed_agreement,
				 @extschema@.cohen_kappa(a.label, b.label) AS kappa
		  FROM latest a
		  JOIN latest b ON b.task_id = a.task_id AND b.worker_id > a.worker_id
		  GROUP BY a.worker_id, b.worker_id
		  HAVING count(*) >= pairwise_kappa.min_overlap) k
	LEFT JOIN @extschema@.workers wa ON wa.worker_id = k.worker_a
	LEFT JOIN @extschema@.workers wb ON wb.worker_id = k.worker_b
	ORDER BY k.worker_a, k.worker_b;
END
$$;
COMMENT ON FUNCTION @extschema@.pairwise_kappa(integer, bigint) IS
	'Cohen''s kappa between every two workers who share at least min_overlap tasks (latest judgment per task and worker; optionally one project)';

CREATE FUNCTION @extschema@.worker_agreement(project_id bigint DEFAULT NULL,
		OUT worker_id bigint, OUT n_tasks bigint, OUT n_compared bigint,
		OUT agreed double precision, OUT agreement double precision, OUT external_id text)
	RETURNS SETOF record
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- For each answer: the labels the *other* workers gave on the task, and
	-- the most frequent of them.  The answer agrees when it is that label; a
	-- tie among k top labels counts 1/k when the answer is one of them.
	RETURN QUERY
	WITH latest AS (
		SELECT * FROM @extschema@.latest_judgments(worker_agreement.project_id)
	),
	counts AS (
		SELECT l.task_id, l.label, count(*) AS n
		FROM latest l
		GROUP BY l.task_id, l.label
	),
	others AS (
		SELECT l.worker_id, l.task_id, (c.label = l.label) AS own,
			   c.n - (CASE WHEN c.label = l.label THEN 1 ELSE 0 END) AS votes
		FROM latest l
		JOIN counts c ON c.task_id = l.task_id
	),
	ranked AS (
		SELECT o.worker_id, o.task_id, o.own, o.votes,
			   max(o.votes) OVER (PARTITION BY o.worker_id, o.task_id) AS top
		FROM others o
	),
	per_answer AS (
		SELECT r.worker_id, r.task_id, max(r.top) AS top,
			   count(*) FILTER (WHERE r.votes = r.top) AS n_top,
			   bool_or(r.own AND r.votes = r.top) AS own_top
		FROM ranked r
		GROUP BY r.worker_id, r.task_id
	)
	SELECT p.worker_id,
		   count(*),
		   count(*) FILTER (WHERE p.top > 0),
		   coalesce(sum(1.0 / p.n_top) FILTER (WHERE p.top > 0 AND p.own_top), 0)::double precision,
		   (coalesce(sum(1.0 / p.n_top) FILTER (WHERE p.top > 0 AND p.own_top), 0)
			/ nullif(count(*) FILTER (WHERE p.top > 0), 0))::double precision,
		   (SELECT w.external_id FROM @extschema@.workers w WHERE w.worker_id = p.worker_id)
	FROM per_answer p
	GROUP BY p.worker_id
	ORDER BY p.worker_id;
END
$$;
COMMENT ON FUNCTION @extschema@.worker_agreement(bigint) IS
	'per worker: the share of their answers equal to the majority label of the OTHER workers on the task (leave-one-out; a tie of k labels counts 1/k)';

CREATE TRIGGER qc_events_describe BEFORE INSERT ON @extschema@.qc_events
	FOR EACH ROW EXECUTE FUNCTION labeling_internal.events_describe();
CREATE TRIGGER task_events_describe BEFORE INSERT ON @extschema@.task_events
	FOR EACH ROW EXECUTE FUNCTION labeling_internal.events_describe();

-- ===========================================================================
-- Changed functions, each in its current definition: SQL functions have
-- SQL-standard bodies (bound when created, so no caller's search_path
-- reaches them); the bodies that call the support functions name
-- labeling_internal; NOTIFY payloads are event ids; golden tasks never go
-- twice to a worker; refusals to a worker name only its own objects
-- ===========================================================================

-- The one place the credible bounds of golden accuracy come from: the
-- q-quantile of the Beta posterior Beta(prior_correct + correct,
-- prior_wrong + answered - correct).
CREATE OR REPLACE FUNCTION @extschema@.accuracy_bound(q double precision, correct bigint, answered bigint,
		prior_correct double precision, prior_wrong double precision)
	RETURNS double precision
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN @extschema@.beta_quantile(q,
		prior_correct OPERATOR(pg_catalog.+) correct::double precision,
		prior_wrong OPERATOR(pg_catalog.+) (answered OPERATOR(pg_catalog.-) correct)::double precision);
COMMENT ON FUNCTION @extschema@.accuracy_bound(double precision, bigint, bigint, double precision, double precision) IS
	'q-quantile of the Beta posterior of an accuracy after correct of answered, from a Beta(prior_correct, prior_wrong) prior';

-- comparisons: both items are tasks of one side-by-side project
CREATE OR REPLACE FUNCTION labeling_internal.comparisons_after_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
BEGIN
	SELECT n.comparison_id, n.left_task_id, n.right_task_id, n.worker_id, n.guidelines_version,
		   n.assignment_id, lt.project_id AS left_project, rt.project_id AS right_project,
		   p.name, p.kind, p.guidelines_version AS current_version,
		   a.worker_id AS a_worker, a.task_id AS a_task INTO r
	FROM new_rows n
	JOIN @extschema@.tasks lt ON lt.task_id = n.left_task_id
	JOIN @extschema@.tasks rt ON rt.task_id = n.right_task_id
	JOIN @extschema@.projects p ON p.project_id = lt.project_id
	LEFT JOIN @extschema@.assignments a ON a.assignment_id = n.assignment_id
	WHERE lt.project_id <> rt.project_id
	   OR p.kind <> 'side_by_side'
	   OR n.guidelines_version > p.guidelines_version
	   OR (n.assignment_id IS NOT NULL AND (a.worker_id <> n.worker_id
			OR (a.task_id <> n.left_task_id AND a.task_id <> n.right_task_id)))
	ORDER BY n.comparison_id
	LIMIT 1;
	IF FOUND THEN
		IF r.left_project <> r.right_project THEN
			RAISE EXCEPTION 'comparison % pairs tasks of % and %', r.comparison_id,
					labeling_internal.describe_project(r.left_project), labeling_internal.describe_project(r.right_project)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_same_project',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('It compares %s and %s.', labeling_internal.describe_task(r.left_task_id),
									  labeling_internal.describe_task(r.right_task_id));
		ELSIF r.kind <> 'side_by_side' THEN
			RAISE EXCEPTION 'project % is not a side-by-side project', quote_literal(r.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_project_kind',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  HINT = 'Insert classification answers into judgments.';
		ELSIF r.guidelines_version > r.current_version THEN
			RAISE EXCEPTION 'guidelines version % of project % does not exist',
					r.guidelines_version, quote_literal(r.name)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_guidelines_version_current',
					  SCHEMA = '@extschema@', TABLE = 'comparisons', COLUMN = 'guidelines_version',
					  DETAIL = format('The current version is %s.', r.current_version);
		ELSE
			RAISE EXCEPTION 'assignment % is for % and %', r.assignment_id,
					labeling_internal.describe_task(r.a_task), labeling_internal.describe_worker(r.a_worker)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'comparisons', COLUMN = 'assignment_id';
		END IF;
	END IF;

	IF TG_OP = 'INSERT' THEN
		-- lock both items in task_id order, then look for a repeated pair
		PERFORM 1
		FROM @extschema@.task_state ts
		JOIN (SELECT n.left_task_id AS task_id FROM new_rows n
			  UNION SELECT n.right_task_id FROM new_rows n) k ON k.task_id = ts.task_id
		ORDER BY ts.task_id
		FOR UPDATE OF ts;

		SELECT ts.task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.task_state ts
		  ON ts.task_id = n.left_task_id OR ts.task_id = n.right_task_id
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE ts.status = 'closed' AND NOT p.allow_judgments_on_closed
		ORDER BY n.comparison_id, ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION '% is closed', labeling_internal.describe_task(r.task_id)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'comparisons_task_open',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Project %L accepts no comparisons of closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;

		SELECT n.worker_id, n.left_task_id, n.right_task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.tasks t ON t.task_id = n.left_task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		WHERE NOT p.allow_repeat_judgments
		  AND (SELECT count(*) FROM @extschema@.comparisons c
			   WHERE c.worker_id = n.worker_id
				 AND least(c.left_task_id, c.right_task_id) = least(n.left_task_id, n.right_task_id)
				 AND greatest(c.left_task_id, c.right_task_id)
					 = greatest(n.left_task_id, n.right_task_id)) > 1
		ORDER BY n.comparison_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION '% already compared % and %', labeling_internal.describe_worker(r.worker_id),
					labeling_internal.describe_task(r.left_task_id), labeling_internal.describe_task(r.right_task_id)
				USING ERRCODE = 'unique_violation', CONSTRAINT = 'comparisons_one_per_worker',
					  SCHEMA = '@extschema@', TABLE = 'comparisons',
					  DETAIL = format('Project %L takes one comparison per worker and pair.', r.name),
					  HINT = 'Set projects.allow_repeat_judgments to accept more.';
		END IF;

		UPDATE @extschema@.assignments a
		SET state = 'submitted', closed_at = now()
		FROM new_rows n
		WHERE a.assignment_id = n.assignment_id AND a.state = 'issued';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.comparisons_after_write() IS
	'trigger: check that comparisons pair two tasks of one side-by-side project, once per worker';

-- The role a dispatch call acts as.  Inside a SECURITY DEFINER function
-- current_user is the owner, but the role GUC still holds what SET ROLE set
-- (and SET ROLE cannot run inside a SECURITY DEFINER function).
CREATE OR REPLACE FUNCTION labeling_internal.dispatch_caller() RETURNS name
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN CASE WHEN pg_catalog.current_setting('role') OPERATOR(pg_catalog.=) 'none'
				THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END;
COMMENT ON FUNCTION labeling_internal.dispatch_caller() IS
	'internal: the calling role of next_tasks() and submit(): the role set by SET ROLE, else the session user';

-- A uniform double in [0, 1) from the first 48 bits of gen_random_uuid()
-- (random in a version 4 UUID): the server's strong random source, which
-- the session's setseed() does not touch.  One expression: inlined.
CREATE OR REPLACE FUNCTION labeling_internal.dispatch_random() RETURNS double precision
	LANGUAGE sql VOLATILE PARALLEL SAFE
	RETURN (('x' OPERATOR(pg_catalog.||)
			 pg_catalog.substr(pg_catalog.replace(pg_catalog.gen_random_uuid()::pg_catalog.text, '-', ''),
							   1, 12))::pg_catalog.bit(48)::pg_catalog.int8)::pg_catalog.float8
		   OPERATOR(pg_catalog./) 281474976710656.0::pg_catalog.float8;
COMMENT ON FUNCTION labeling_internal.dispatch_random() IS
	'internal: uniform random double in [0, 1) from the strong random source (not steered by setseed)';

-- The worker a call may act for, or an error.  The check comes before any
-- lock, so that a refused call holds nothing.
-- not STRICT: a NULL worker is reported
CREATE OR REPLACE FUNCTION labeling_internal.dispatch_worker(p_worker_id bigint) RETURNS @extschema@.workers
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_role name := labeling_internal.dispatch_caller();
	w @extschema@.workers;
BEGIN
	IF p_worker_id IS NULL THEN
		RAISE EXCEPTION 'worker_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT x.* INTO w FROM @extschema@.workers x WHERE x.worker_id = p_worker_id;
	IF w.login_role = v_role THEN
		RETURN w;
	END IF;
	IF pg_has_role(v_role, 'labeling_admin', 'USAGE') THEN
		IF w.worker_id IS NULL THEN
			RAISE EXCEPTION 'worker % does not exist', p_worker_id
				USING ERRCODE = 'no_data_found';
		END IF;
		RETURN w;
	END IF;
	RAISE EXCEPTION 'role % cannot act for worker %', v_role, p_worker_id
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'A session acts only for the worker whose workers.login_role is its role.',
			  HINT = 'Log in (or SET ROLE) as that worker''s role; members of labeling_admin act for any worker.';
END
$$;
COMMENT ON FUNCTION labeling_internal.dispatch_worker(bigint) IS
	'internal: the workers row a call of next_tasks() or submit() may act for, or an insufficient_privilege error';

-- not STRICT: NULL project_id means every project, NULL options the defaults
CREATE OR REPLACE FUNCTION @extschema@.fit_truth_model(
		method text DEFAULT 'dawid_skene',
		project_id bigint DEFAULT NULL,
		use_gold boolean DEFAULT false,
		options @extschema@.truth_options DEFAULT NULL)
	RETURNS @extschema@.truth_model
	LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	m @extschema@.truth_model;
BEGIN
	IF method IS NULL OR method NOT IN ('dawid_skene', 'one_coin', 'glad', 'wawa') THEN
		RAISE EXCEPTION USING
			ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('unknown truth inference method %L', method),
			HINT = 'Use dawid_skene, one_coin, glad or wawa.';
	END IF;
	IF method = 'wawa' AND (coalesce(use_gold, false) OR options IS NOT NULL) THEN
		RAISE EXCEPTION USING
			ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'wawa takes no gold labels and no options';
	END IF;

	-- wawa takes (task, worker, label) only; the others gold and options too
	EXECUTE format($q$
		SELECT @extschema@.%I(j.task_id, j.worker_id, j.label %s)
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
		JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) j.worker_id
		LEFT JOIN @extschema@.worker_state ws
			ON ws.project_id OPERATOR(pg_catalog.=) t.project_id
		   AND ws.worker_id OPERATOR(pg_catalog.=) j.worker_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) j.task_id
		WHERE ($3 IS NULL OR t.project_id OPERATOR(pg_catalog.=) $3)
		  AND NOT labeling_internal.live_worker_banned(ws.status, w.status)$q$,
		method || '_agg',
		CASE WHEN method = 'wawa' THEN '' ELSE ', CASE WHEN $1 THEN g.label END, $2' END)
	INTO m
	USING coalesce(use_gold, false), options, project_id;
	RETURN m;
END
$$;
COMMENT ON FUNCTION @extschema@.fit_truth_model(text, bigint, boolean, @extschema@.truth_options) IS
	'fit a truth-inference model (dawid_skene, one_coin, glad or wawa) on labeling.judgments of workers not banned, optionally one project and with golden_labels';

-- golden labels: validate, then recompute the golden tasks and their judges
CREATE OR REPLACE FUNCTION labeling_internal.golden_labels_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	IF TG_OP <> 'DELETE' THEN
		SELECT n.task_id, n.label, n.expert_id, p.name, p.kind, p.labels, w.kind AS expert_kind INTO r
		FROM new_rows n
		JOIN @extschema@.tasks t ON t.task_id = n.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		LEFT JOIN @extschema@.workers w ON w.worker_id = n.expert_id
		WHERE p.kind <> 'classification'
		   OR array_position(p.labels, n.label) IS NULL
		   OR w.kind <> 'expert'
		ORDER BY n.task_id
		LIMIT 1;
		IF FOUND THEN
			IF r.kind <> 'classification' THEN
				RAISE EXCEPTION '% belongs to side-by-side project %', labeling_internal.describe_task(r.task_id), quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_project_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels',
						  DETAIL = 'Golden labels are for classification projects.';
			ELSIF array_position(r.labels, r.label) IS NULL THEN
				RAISE EXCEPTION 'golden label % is not among the labels of project %',
						quote_literal(r.label), quote_literal(r.name)
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_label_allowed',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'label',
						  DETAIL = format('Golden label of %s; the allowed labels are %s.',
										  labeling_internal.describe_task(r.task_id), array_to_string(r.labels, ', '));
			ELSE
				RAISE EXCEPTION '% is a % worker, not an expert', labeling_internal.describe_worker(r.expert_id), r.expert_kind
					USING ERRCODE = 'check_violation', CONSTRAINT = 'golden_labels_expert_kind',
						  SCHEMA = '@extschema@', TABLE = 'golden_labels', COLUMN = 'expert_id',
						  DETAIL = 'Golden labels come from expert workers, never from models or the crowd.',
						  HINT = 'Leave expert_id NULL, or name a worker of kind expert.';
			END IF;
		END IF;
	END IF;

	IF TG_OP = 'INSERT' THEN
		SELECT array_agg(DISTINCT n.task_id) INTO v_tasks FROM new_rows n;
	ELSIF TG_OP = 'DELETE' THEN
		SELECT array_agg(DISTINCT o.task_id) INTO v_tasks FROM old_rows o;
	ELSE
		SELECT array_agg(DISTINCT x.task_id) INTO v_tasks
		FROM (SELECT n.task_id FROM new_rows n UNION SELECT o.task_id FROM old_rows o) x;
	END IF;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := labeling_internal.live_bulk_mode(cardinality(v_tasks),
											 '@extschema@.golden_labels'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, j.worker_id
		  FROM unnest(v_tasks) AS u(task_id)
		  JOIN @extschema@.judgments j ON j.task_id = u.task_id
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id) x;
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, false);
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.golden_labels_after_change() IS
	'trigger: validate golden labels, then update golden records, skills and affected tasks';

-- UPDATE or DELETE of judgments.  An update may change the label, the
-- score, the guidelines version, the time or created_at, never the keys, so
-- the old rows name the tasks and workers to recompute in both cases.
CREATE OR REPLACE FUNCTION labeling_internal.judgments_after_change()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		SELECT o.judgment_id INTO r
		FROM old_rows o JOIN new_rows n ON n.judgment_id = o.judgment_id
		WHERE n.task_id <> o.task_id OR n.worker_id <> o.worker_id
		   OR n.assignment_id IS DISTINCT FROM o.assignment_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'the task, worker and assignment of a judgment cannot change'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_keys_immutable',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Judgment %s was updated.', r.judgment_id),
					  HINT = 'Delete the judgment and insert a new one.';
		END IF;
		FOR r IN
			SELECT n.* FROM new_rows n JOIN old_rows o ON o.judgment_id = n.judgment_id
			WHERE n.label <> o.label OR n.score IS DISTINCT FROM o.score
			   OR n.guidelines_version IS DISTINCT FROM o.guidelines_version
			ORDER BY n.judgment_id
		LOOP
			PERFORM labeling_internal.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
													r.score, r.guidelines_version, r.assignment_id,
													false);
		END LOOP;
	END IF;

	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT o.task_id FROM old_rows o) x;
	IF v_tasks IS NULL THEN
		RETURN NULL;
	END IF;
	v_work_mem := labeling_internal.live_bulk_mode((SELECT count(*) FROM old_rows),
											 '@extschema@.judgments'::regclass);
	SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT DISTINCT t.project_id, o.worker_id
		  FROM old_rows o JOIN @extschema@.tasks t ON t.task_id = o.task_id) x;
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, NULL,
									true, false, true);
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.judgments_after_change() IS
	'trigger: after UPDATE (keys are immutable, changed rows are validated) or DELETE, update the live state';

CREATE OR REPLACE FUNCTION labeling_internal.judgments_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	r record;
	v_rows bigint;
	v_scores bigint;
	v_assignments bigint;
	v_distinct_assignments bigint;
	v_tasks bigint[];
	v_open_tasks bigint[];
	v_task_projects bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	SELECT count(*), count(n.score), count(n.assignment_id) INTO v_rows, v_scores, v_assignments
	FROM new_rows n;
	IF v_rows = 0 THEN
		RETURN NULL;
	END IF;
	v_work_mem := labeling_internal.live_bulk_mode(v_rows, '@extschema@.judgments'::regclass);

	-- the first row (in judgment_id order) breaking a rule checked without
	-- locks; the score and assignment rules only when some row has one
	SELECT n.* INTO r
	FROM new_rows n
	JOIN @extschema@.tasks t ON t.task_id = n.task_id
	JOIN @extschema@.projects p ON p.project_id = t.project_id
	LEFT JOIN (SELECT pl.project_id, l.label
			   FROM @extschema@.projects pl, unnest(pl.labels) AS l(label)) al
	  ON al.project_id = t.project_id AND al.label = n.label
	WHERE p.kind <> 'classification'
	   OR al.label IS NULL
	   OR n.guidelines_version > p.guidelines_version
	ORDER BY n.judgment_id
	LIMIT 1;
	IF NOT FOUND AND v_scores > 0 THEN
		SELECT n.* INTO r
		FROM new_rows n JOIN @extschema@.workers w ON w.worker_id = n.worker_id
		WHERE n.score IS NOT NULL AND w.kind <> 'model'
		ORDER BY n.judgment_id
		LIMIT 1;
	END IF;
	IF NOT FOUND AND v_assignments > 0 THEN
		SELECT n.* INTO r
		FROM new_rows n JOIN @extschema@.assignments a ON a.assignment_id = n.assignment_id
		WHERE a.task_id <> n.task_id OR a.worker_id <> n.worker_id OR a.state <> 'issued'
		ORDER BY n.judgment_id
		LIMIT 1;
	END IF;
	IF FOUND THEN
		PERFORM labeling_internal.live_check_judgment(r.judgment_id, r.task_id, r.worker_id, r.label,
												r.score, r.guidelines_version, r.assignment_id, true);
		RAISE EXCEPTION 'judgment % breaks a rule', r.judgment_id;	-- not reached
	END IF;

	-- the tasks, and the (project, worker) pairs, of the new judgments
	SELECT array_agg(x.task_id) INTO v_tasks FROM (SELECT DISTINCT n.task_id FROM new_rows n) x;
	SELECT array_agg(DISTINCT t.project_id) INTO v_task_projects
	FROM @extschema@.tasks t WHERE t.task_id = ANY (v_tasks);
	IF cardinality(v_task_projects) = 1 THEN
		SELECT array_agg(v_task_projects[1]), array_agg(x.worker_id) INTO v_projects, v_workers
		FROM (SELECT DISTINCT n.worker_id FROM new_rows n) x;
	ELSE
		SELECT array_agg(x.project_id), array_agg(x.worker_id) INTO v_projects, v_workers
		FROM (SELECT DISTINCT t.project_id, n.worker_id
			  FROM new_rows n JOIN @extschema@.tasks t ON t.task_id = n.task_id) x;
	END IF;

	-- the assignments named are submitted now, each once
	IF v_assignments > 0 THEN
		SELECT count(DISTINCT n.assignment_id) INTO v_distinct_assignments FROM new_rows n;
		IF v_distinct_assignments <> v_assignments THEN
			RAISE EXCEPTION 'an assignment is submitted twice in one statement'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id';
		END IF;
		WITH s AS (
			UPDATE @extschema@.assignments a
			SET state = 'submitted', closed_at = now()
			FROM new_rows n
			WHERE a.assignment_id = n.assignment_id AND a.state = 'issued'
			RETURNING a.assignment_id
		)
		SELECT count(*) INTO v_distinct_assignments FROM s;
		IF v_distinct_assignments <> v_assignments THEN
			RAISE EXCEPTION 'an assignment was submitted or closed concurrently'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id';
		END IF;
	END IF;

	-- A judgment for an issued assignment is accepted on a task that
	-- completed after the assignment was issued (the worker was promised the
	-- task), never on a task closed by hand: only the tasks of the other
	-- judgments must be open, and the closed check of assigned ones runs
	-- under the task locks that live_update took.
	IF v_assignments = 0 THEN
		v_open_tasks := v_tasks;
	ELSE
		SELECT array_agg(DISTINCT n.task_id) INTO v_open_tasks
		FROM new_rows n WHERE n.assignment_id IS NULL;
	END IF;
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, v_open_tasks,
									true, false, true);
	IF v_assignments > 0 THEN
		SELECT ts.task_id, p.name INTO r
		FROM new_rows n
		JOIN @extschema@.task_state ts ON ts.task_id = n.task_id
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE n.assignment_id IS NOT NULL AND ts.status = 'closed'
		  AND NOT p.allow_judgments_on_closed
		ORDER BY ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION '% is closed', labeling_internal.describe_task(r.task_id)
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.judgments_after_insert() IS
	'trigger: validate new judgments, then update task_state and worker_state, apply rules, NOTIFY';

CREATE OR REPLACE FUNCTION labeling_internal.judgments_after_truncate()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_project bigint;
BEGIN
	FOR v_project IN SELECT p.project_id FROM @extschema@.projects p ORDER BY p.project_id LOOP
		PERFORM labeling_internal.live_update_project(v_project, false);
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.judgments_after_truncate() IS
	'trigger: recompute the live state of every project after TRUNCATE judgments';

-- equality (the representation is canonical, so equal values are equal bytes)
CREATE OR REPLACE FUNCTION labeling_internal.label_dist_eq(@extschema@.label_dist, @extschema@.label_dist) RETURNS boolean
	AS 'MODULE_PATHNAME', 'label_dist_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_eq(@extschema@.label_dist, @extschema@.label_dist) IS
	'the = operator of label_dist: same labels, same probabilities';

CREATE OR REPLACE FUNCTION labeling_internal.label_dist_hash(@extschema@.label_dist) RETURNS integer
	AS 'MODULE_PATHNAME', 'label_dist_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_hash(@extschema@.label_dist) IS
	'hash of a label_dist, for hash joins and GROUP BY';

CREATE OR REPLACE FUNCTION labeling_internal.label_dist_in(cstring) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_in(cstring) IS
	'label_dist text input';

CREATE OR REPLACE FUNCTION labeling_internal.label_dist_ne(@extschema@.label_dist, @extschema@.label_dist) RETURNS boolean
	AS 'MODULE_PATHNAME', 'label_dist_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_ne(@extschema@.label_dist, @extschema@.label_dist) IS
	'the <> operator of label_dist';

CREATE OR REPLACE FUNCTION labeling_internal.label_dist_out(@extschema@.label_dist) RETURNS cstring
	AS 'MODULE_PATHNAME', 'label_dist_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_out(@extschema@.label_dist) IS
	'label_dist text output';

CREATE OR REPLACE FUNCTION labeling_internal.label_dist_recv(internal) RETURNS @extschema@.label_dist
	AS 'MODULE_PATHNAME', 'label_dist_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_recv(internal) IS
	'label_dist binary input';

CREATE OR REPLACE FUNCTION labeling_internal.label_dist_send(@extschema@.label_dist) RETURNS bytea
	AS 'MODULE_PATHNAME', 'label_dist_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION labeling_internal.label_dist_send(@extschema@.label_dist) IS
	'label_dist binary output';

CREATE OR REPLACE FUNCTION @extschema@.label_probabilities(dist @extschema@.label_dist,
		OUT label text, OUT probability double precision)
	RETURNS SETOF record
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	BEGIN ATOMIC
		SELECT u.label, u.probability
		FROM ROWS FROM (pg_catalog.unnest(@extschema@.labels(dist)),
						pg_catalog.unnest(@extschema@.probabilities(dist)))
			AS u(label, probability);
	END;
COMMENT ON FUNCTION @extschema@.label_probabilities(@extschema@.label_dist) IS
	'one row per label: (label, probability), labels in byte order';

-- A SQL-standard body (names and operators bound when it is created, so the
-- caller's search_path cannot reach it) without SET, so that it can be inlined.
CREATE OR REPLACE FUNCTION @extschema@.latest_judgments(project_id bigint DEFAULT NULL,
		OUT task_id bigint, OUT worker_id bigint, OUT label text)
	RETURNS SETOF record
	LANGUAGE sql STABLE PARALLEL SAFE
	BEGIN ATOMIC
		SELECT DISTINCT ON (j.task_id, j.worker_id) j.task_id, j.worker_id, j.label
		FROM @extschema@.judgments j
		WHERE latest_judgments.project_id IS NULL
		   OR EXISTS (SELECT 1 FROM @extschema@.tasks t
					  WHERE t.task_id OPERATOR(pg_catalog.=) j.task_id
						AND t.project_id OPERATOR(pg_catalog.=) latest_judgments.project_id)
		ORDER BY j.task_id, j.worker_id, j.created_at DESC, j.judgment_id DESC;
	END;
COMMENT ON FUNCTION @extschema@.latest_judgments(bigint) IS
	'one answer per (task, worker): the latest judgment (largest created_at, then judgment_id); optionally of one project';

-- Phase 3: store the agreement of locked workers.
-- not STRICT: NULL arrays mean no workers
CREATE OR REPLACE FUNCTION labeling_internal.live_agreement(p_projects bigint[], p_workers bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_custom_plan
	AS $$
BEGIN
	UPDATE @extschema@.worker_state ws
	SET agreement = CASE WHEN a.judgments > 0
						 THEN a.agreeing::double precision / a.judgments END,
		agreement_judgments = coalesce(a.judgments, 0),
		agreement_at = now()
	FROM unnest(p_projects, p_workers) AS k(project_id, worker_id)
	LEFT JOIN (SELECT * FROM labeling_internal.live_worker_agreement v
			   WHERE v.worker_id = ANY (p_workers) AND v.project_id = ANY (p_projects)) a
	  ON a.project_id = k.project_id AND a.worker_id = k.worker_id
	WHERE ws.project_id = k.project_id AND ws.worker_id = k.worker_id;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_agreement(bigint[], bigint[]) IS
	'internal: store the leave-one-out agreement of locked workers';

-- Counted judgments a task needs for a worker's judgment on it to be
-- compared: another one, or the task's own for a banned worker.
CREATE OR REPLACE FUNCTION labeling_internal.live_agreement_min_counted(ws_status text, w_status text)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN labeling_internal.live_worker_banned(ws_status, w_status) THEN 1 ELSE 2 END;
COMMENT ON FUNCTION labeling_internal.live_agreement_min_counted(text, text) IS
	'internal: counted judgments a task needs before a worker''s judgment on it is compared';

-- Does one judgment agree with its task's posterior, leaving itself out?
-- The judgments of a banned worker are not in the posterior: compared as is.
CREATE OR REPLACE FUNCTION labeling_internal.live_agrees(ws_status text, w_status text, label text, task_label text,
		posterior @extschema@.label_dist, skill double precision)
	RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN labeling_internal.live_worker_banned(ws_status, w_status)
				THEN label OPERATOR(pg_catalog.=) task_label
				ELSE labeling_internal.one_coin_loo_agrees(posterior, label, skill) END;
COMMENT ON FUNCTION labeling_internal.live_agrees(text, text, text, text, @extschema@.label_dist, double precision) IS
	'internal: does a judgment agree with its task''s posterior without it';

-- Bulk mode for a statement of p_rows rows written into p_table.  From 1000
-- rows on, every query of the statement is planned for the real sizes of
-- its arrays (custom plans) and gets at least 64MB of work_mem, so that its
-- hash tables and sorts stay in memory.  When the statement is also large
-- next to what the planner believes the table holds, the statistics are
-- refreshed, and nested loops and sorts are disabled: the planner cannot
-- estimate joins against the arrays' contents (it underestimates them by
-- orders of magnitude), and whole-table hash joins and hash aggregation are
-- right at that size.  The caller must SET plan_cache_mode, enable_nestloop
-- and enable_sort in its own SET clause, so that these end with it, and give
-- work_mem back with live_bulk_mode_end(the value returned here).
-- not STRICT: called only with a row count and a table
CREATE OR REPLACE FUNCTION labeling_internal.live_bulk_mode(p_rows bigint, p_table regclass)
	RETURNS text
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_work_mem text := current_setting('work_mem');
BEGIN
	IF p_rows < 1000 THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
	IF (SELECT s.setting::bigint < 65536 FROM pg_settings s WHERE s.name = 'work_mem') THEN
		PERFORM set_config('work_mem', '64MB', true);
	END IF;
	IF p_rows >= 0.2 * (SELECT greatest(c.reltuples, 0) FROM pg_class c WHERE c.oid = p_table) THEN
		PERFORM labeling_internal.live_analyze();
		PERFORM set_config('enable_nestloop', 'off', true);
		PERFORM set_config('enable_sort', 'off', true);
	END IF;
	RETURN v_work_mem;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_bulk_mode(bigint, regclass) IS
	'internal: custom plans, memory and fresh statistics for a statement that writes many rows';

-- Report the first judgment (in judgment_id order) that breaks a rule
-- checked without locks; raises, or returns quietly.
-- not STRICT: most columns of a judgment may be NULL
CREATE OR REPLACE FUNCTION labeling_internal.live_check_judgment(p_judgment_id bigint, p_task_id bigint,
		p_worker_id bigint, p_label text, p_score double precision, p_version integer,
		p_assignment_id bigint, p_check_assignment boolean)
	RETURNS void
	LANGUAGE plpgsql STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	p @extschema@.projects;
	v_kind text;
	a @extschema@.assignments;
BEGIN
	SELECT pr.* INTO p
	FROM @extschema@.tasks t JOIN @extschema@.projects pr ON pr.project_id = t.project_id
	WHERE t.task_id = p_task_id;
	SELECT w.kind INTO v_kind FROM @extschema@.workers w WHERE w.worker_id = p_worker_id;

	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION '% belongs to side-by-side project %', labeling_internal.describe_task(p_task_id),
				quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_project_kind',
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  DETAIL = 'Judgments are for classification projects.',
				  HINT = 'Insert side-by-side answers into comparisons.';
	END IF;
	IF array_position(p.labels, p_label) IS NULL THEN
		RAISE EXCEPTION 'label % is not among the labels of project %',
				quote_literal(p_label), quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_label_allowed',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'label',
				  DETAIL = format('Judgment %s on %s; the allowed labels are %s.',
								  p_judgment_id, labeling_internal.describe_task(p_task_id),
								  array_to_string(p.labels, ', ')),
				  HINT = 'Fix the label, or add it to projects.labels.';
	END IF;
	IF p_score IS NOT NULL AND v_kind <> 'model' THEN
		RAISE EXCEPTION '% is a % worker and cannot give a score', labeling_internal.describe_worker(p_worker_id), v_kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_score_model_only',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'score',
				  DETAIL = 'Only model workers give a score with their label.',
				  HINT = 'Leave score NULL for human and expert workers.';
	END IF;
	IF p_version > p.guidelines_version THEN
		RAISE EXCEPTION 'guidelines version % of project % does not exist', p_version, quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_guidelines_version_current',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'guidelines_version',
				  DETAIL = format('The current version is %s.', p.guidelines_version);
	END IF;
	IF p_assignment_id IS NOT NULL THEN
		SELECT * INTO a FROM @extschema@.assignments x WHERE x.assignment_id = p_assignment_id;
		IF a.task_id <> p_task_id OR a.worker_id <> p_worker_id THEN
			RAISE EXCEPTION 'assignment % is for % and %', p_assignment_id,
					labeling_internal.describe_task(a.task_id), labeling_internal.describe_worker(a.worker_id)
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_match',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  DETAIL = format('The judgment is by %s on %s.', labeling_internal.describe_worker(p_worker_id),
									  labeling_internal.describe_task(p_task_id));
		END IF;
		IF p_check_assignment AND a.state <> 'issued' THEN
			RAISE EXCEPTION 'assignment % is %', p_assignment_id, a.state
				USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
					  HINT = 'Only an issued assignment can be submitted, once.';
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_check_judgment(bigint, bigint, bigint, text, double precision, integer, bigint, boolean) IS
	'internal: raise the error for a judgment that breaks a rule checked without locks';

-- Judgments an open regular task of a classification project may still
-- need before it can complete (the dispatch capacity of next_tasks): all of
-- those up to min_overlap, at least one while it is open, never past
-- max_overlap; 0 for golden, complete and closed tasks.
-- not STRICT: NULL counts are treated as no judgments
CREATE OR REPLACE FUNCTION labeling_internal.live_needed(status text, golden boolean, kind text, n_counted integer,
		min_overlap integer, max_overlap integer)
	RETURNS integer
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN status OPERATOR(pg_catalog.=) 'open' AND NOT golden
					 AND kind OPERATOR(pg_catalog.=) 'classification'
				THEN GREATEST(LEAST(max_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0),
									GREATEST(min_overlap OPERATOR(pg_catalog.-) coalesce(n_counted, 0), 1)),
							  0)
				ELSE 0 END;
COMMENT ON FUNCTION labeling_internal.live_needed(text, boolean, text, integer, integer, integer) IS
	'internal: judgments an open regular task may still need (task_state.needed)';

-- Send one NOTIFY per quality-control event.  Any role that can connect may
-- LISTEN on any channel, so the payload is the event_id alone: a listener
-- reads the event back from qc_events through its own privileges.
-- not STRICT: a NULL array means no events
CREATE OR REPLACE FUNCTION labeling_internal.live_notify_events(p_events bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	PERFORM pg_notify(
		CASE WHEN e.action = 'ban' OR e.action = 'unban'
			 THEN 'labeling_worker_ban' ELSE 'labeling_worker_flag' END,
		e.event_id::text)
	FROM @extschema@.qc_events e
	JOIN unnest(p_events) AS u(event_id) ON u.event_id = e.event_id
	ORDER BY e.event_id;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_notify_events(bigint[]) IS
	'internal: NOTIFY labeling_worker_ban / labeling_worker_flag for quality-control events';

-- Apply the enabled quality-control rules on the given metrics to locked
-- workers: a rule fires when metric < threshold after at least min_count
-- observations and its action is stronger than the worker's status.  Every
-- firing is stored in qc_events with its evidence.  Returns the pairs that
-- became banned.
-- not STRICT: NULL arrays mean no workers
CREATE OR REPLACE FUNCTION labeling_internal.live_qc(p_projects bigint[], p_workers bigint[], p_metrics text[])
	RETURNS TABLE (project_id bigint, worker_id bigint)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_events bigint[];
BEGIN
	IF NOT EXISTS (SELECT 1 FROM @extschema@.qc_rules r
				   WHERE r.enabled AND r.metric = ANY (p_metrics)) THEN
		RETURN;
	END IF;
	WITH k AS (
		SELECT u.project_id, u.worker_id
		FROM unnest(p_projects, p_workers) AS u(project_id, worker_id)
	), fired AS (
		SELECT ws.project_id, ws.worker_id, r.rule_id, r.action, r.metric, r.threshold,
			   CASE WHEN r.metric = 'golden_lower_bound' THEN ws.golden_lower
					WHEN r.metric = 'median_seconds' THEN ws.median_seconds
					ELSE ws.agreement END AS value,
			   jsonb_build_object('rule', r.name, 'min_count', r.min_count,
								  'n_judgments', ws.n_judgments, 'skill', ws.skill)
			   || CASE
					WHEN r.metric = 'golden_lower_bound' THEN
						jsonb_build_object(
							'golden_answered', ws.golden_answered,
							'golden_correct', ws.golden_correct,
							'golden_lower', ws.golden_lower, 'golden_upper', ws.golden_upper,
							'prior_correct', p.prior_correct, 'prior_wrong', p.prior_wrong,
							'wrong_golden_answers', (
								SELECT coalesce(jsonb_agg(jsonb_build_object(
										   'judgment_id', x.judgment_id, 'task_id', x.task_id,
										   'task_external_id', x.external_id,
										   'label', x.label, 'golden_label', x.golden_label)
										   ORDER BY x.created_at DESC, x.judgment_id DESC), '[]')
								FROM (SELECT j.judgment_id, j.task_id, t.external_id, j.label, j.created_at,
											 g.label AS golden_label
									  FROM @extschema@.judgments j
									  JOIN @extschema@.tasks t ON t.task_id = j.task_id
									  JOIN @extschema@.golden_labels g ON g.task_id = j.task_id
									  WHERE j.worker_id = ws.worker_id
										AND t.project_id = ws.project_id
										AND j.label <> g.label
									  ORDER BY j.created_at DESC, j.judgment_id DESC
									  LIMIT 20) x))
					WHEN r.metric = 'median_seconds' THEN
						jsonb_build_object('median_seconds', ws.median_seconds,
										   'timed_judgments', ws.timed_judgments)
					ELSE
						jsonb_build_object('agreement', ws.agreement,
										   'agreement_judgments', ws.agreement_judgments,
										   'agreement_at', ws.agreement_at)
				  END AS evidence
		FROM k
		JOIN @extschema@.worker_state ws
		  ON ws.project_id = k.project_id AND ws.worker_id = k.worker_id
		JOIN @extschema@.workers w ON w.worker_id = ws.worker_id
		JOIN @extschema@.projects p ON p.project_id = ws.project_id
		JOIN @extschema@.qc_rules r
		  ON r.enabled
		 AND (r.project_id IS NULL OR r.project_id = ws.project_id)
		 AND (r.worker_kinds IS NULL OR w.kind = ANY (r.worker_kinds))
		 AND r.metric = ANY (p_metrics)
		WHERE ((r.action = 'ban' AND ws.status <> 'banned')
			   OR (r.action = 'flag' AND ws.status = 'active'))
		  AND ((r.metric = 'golden_lower_bound' AND ws.golden_answered >= r.min_count
				AND ws.golden_lower < r.threshold)
			   OR (r.metric = 'median_seconds' AND ws.timed_judgments >= r.min_count
				   AND ws.median_seconds < r.threshold)
			   OR (r.metric = 'agreement' AND ws.agreement_judgments >= r.min_count
				   AND ws.agreement < r.threshold))
	), ev AS (
		INSERT INTO @extschema@.qc_events
			(project_id, worker_id, rule_id, action, metric, value, threshold, evidence)
		SELECT f.project_id, f.worker_id, f.rule_id, f.action, f.metric, f.value, f.threshold,
			   f.evidence
		FROM fired f
		ORDER BY f.project_id, f.worker_id, f.rule_id
		RETURNING event_id
	)
	SELECT array_agg(ev.event_id ORDER BY ev.event_id) INTO v_events FROM ev;

	IF v_events IS NULL THEN
		RETURN;
	END IF;
	PERFORM labeling_internal.live_notify_events(v_events);

	RETURN QUERY
	WITH d AS (
		SELECT e.project_id, e.worker_id, bool_or(e.action = 'ban') AS ban
		FROM @extschema@.qc_events e
		JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id
		GROUP BY e.project_id, e.worker_id
	), s AS (
		UPDATE @extschema@.worker_state ws
		SET status = CASE WHEN d.ban THEN 'banned' ELSE 'flagged' END,
			status_changed_at = now()
		FROM d
		WHERE ws.project_id = d.project_id AND ws.worker_id = d.worker_id
		RETURNING ws.project_id, ws.worker_id, ws.status
	)
	SELECT s.project_id, s.worker_id FROM s WHERE s.status = 'banned';
END
$$;
COMMENT ON FUNCTION labeling_internal.live_qc(bigint[], bigint[], text[]) IS
	'internal: apply quality-control rules on some metrics to locked workers; returns the newly banned';

-- Phase 2: lock tasks in task_id order; check that no new judgment went to
-- a complete or closed task (p_new_tasks: the tasks of new judgments, or
-- NULL); recompute the tasks (with their dispatch capacity: needed, and the
-- assignments still issued), checking that no worker judged a task twice
-- unless the project allows it; NOTIFY completions and reopenings.  A
-- repeat can only come from the judgments of this statement: a project
-- cannot stop allowing repeats while it has some.
-- not STRICT: NULL arrays mean no tasks (and nothing to check)
CREATE OR REPLACE FUNCTION labeling_internal.live_tasks(p_tasks bigint[], p_new_tasks bigint[])
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
	v_changed bigint[];
	v_events bigint[];
	v_statuses text[];
	v_repeat bigint;
BEGIN
	PERFORM 1
	FROM @extschema@.task_state ts
	WHERE ts.task_id = ANY (p_tasks)
	ORDER BY ts.task_id
	FOR UPDATE OF ts;

	IF p_new_tasks IS NOT NULL THEN
		-- no judgment on a complete or closed task (status before this statement)
		SELECT ts.task_id, ts.status, p.name INTO r
		FROM @extschema@.task_state ts
		JOIN @extschema@.projects p ON p.project_id = ts.project_id
		WHERE ts.task_id = ANY (p_new_tasks)
		  AND ts.status <> 'open' AND NOT p.allow_judgments_on_closed
		ORDER BY ts.task_id
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION '% is %', labeling_internal.describe_task(r.task_id), r.status
				USING ERRCODE = 'check_violation',
					  CONSTRAINT = 'judgments_task_open',
					  SCHEMA = '@extschema@', TABLE = 'judgments',
					  DETAIL = format('Project %L accepts no judgments on complete or closed tasks.', r.name),
					  HINT = 'Set projects.allow_judgments_on_closed to accept them.';
		END IF;
	END IF;

	WITH agg AS (
		SELECT j.task_id,
			   count(*) AS n_judgments,
			   count(*) FILTER (WHERE NOT labeling_internal.live_worker_banned(ws.status, w.status))
				   AS n_counted,
			   @extschema@.one_coin_posterior(j.label, ws.skill, p.labels)
				   FILTER (WHERE NOT labeling_internal.live_worker_banned(ws.status, w.status))
				   AS posterior,
			   max(j.created_at) FILTER (WHERE NOT labeling_internal.live_worker_banned(ws.status, w.status))
				   AS last_counted_at,
			   labeling_internal.repeated_key(j.worker_id) FILTER (WHERE NOT p.allow_repeat_judgments)
				   AS repeated_worker
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id = j.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		JOIN @extschema@.worker_state ws
		  ON ws.project_id = t.project_id AND ws.worker_id = j.worker_id
		JOIN @extschema@.workers w ON w.worker_id = j.worker_id
		WHERE j.task_id = ANY (p_tasks)
		GROUP BY j.task_id
	), n AS (
		SELECT t.task_id, t.project_id, t.status AS task_status,
			   coalesce(a.n_judgments, 0) AS n_judgments,
			   coalesce(a.n_counted, 0) AS n_counted,
			   a.posterior, a.last_counted_at, a.repeated_worker,
			   @extschema@.top_label(a.posterior) AS label,
			   @extschema@.confidence(a.posterior) AS confidence,
			   g.task_id IS NOT NULL AS golden,
			   p.kind, p.min_overlap, p.max_overlap, p.target_confidence,
			   coalesce(i.issued, 0) AS issued
		FROM @extschema@.tasks t
		JOIN @extschema@.projects p ON p.project_id = t.project_id
		LEFT JOIN agg a ON a.task_id = t.task_id
		LEFT JOIN @extschema@.golden_labels g ON g.task_id = t.task_id
		LEFT JOIN (SELECT x.task_id, count(*) AS issued
				   FROM @extschema@.assignments x
				   WHERE x.task_id = ANY (p_tasks) AND x.state = 'issued'
				   GROUP BY x.task_id) i ON i.task_id = t.task_id
		WHERE t.task_id = ANY (p_tasks)
	), s AS (
		SELECT n.*,
			   CASE WHEN n.task_status = 'closed' THEN 'closed'
					WHEN n.golden THEN 'open'
					WHEN n.n_counted >= n.max_overlap THEN 'complete'
					WHEN n.n_counted >= n.min_overlap
						 AND n.confidence >= n.target_confidence THEN 'complete'
					ELSE 'open' END AS status
		FROM n
	), upd AS (
		UPDATE @extschema@.task_state ts
		SET n_judgments = s.n_judgments,
			n_counted = s.n_counted,
			posterior = s.posterior,
			label = s.label,
			confidence = s.confidence,
			status = s.status,
			golden = s.golden,
			completed_at = CASE WHEN s.status = 'complete' THEN s.last_counted_at END,
			needed = labeling_internal.live_needed(s.status, s.golden, s.kind, s.n_counted::integer,
											 s.min_overlap, s.max_overlap),
			assigned = CASE WHEN s.golden OR s.kind <> 'classification' THEN 0 ELSE s.issued END
		FROM s
		JOIN @extschema@.task_state old ON old.task_id = s.task_id
		WHERE ts.task_id = s.task_id
		RETURNING ts.task_id, ts.status, old.status AS old_status, s.repeated_worker
	)
	SELECT array_agg(upd.task_id ORDER BY upd.task_id)
			   FILTER (WHERE (upd.status = 'complete') <> (upd.old_status = 'complete')
						 AND (upd.status = 'complete' OR upd.status = 'open')),
		   min(upd.task_id) FILTER (WHERE upd.repeated_worker IS NOT NULL)
	INTO v_changed, v_repeat
	FROM upd;

	IF v_repeat IS NOT NULL THEN
		SELECT x.task_id, x.worker_id, p.name INTO r
		FROM (SELECT v_repeat AS task_id, labeling_internal.repeated_key(j.worker_id) AS worker_id
			  FROM @extschema@.judgments j WHERE j.task_id = v_repeat) x
		JOIN @extschema@.tasks t ON t.task_id = x.task_id
		JOIN @extschema@.projects p ON p.project_id = t.project_id;
		RAISE EXCEPTION '% judged % more than once', labeling_internal.describe_worker(r.worker_id),
				labeling_internal.describe_task(r.task_id)
			USING ERRCODE = 'unique_violation',
				  CONSTRAINT = 'judgments_one_per_worker',
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  DETAIL = format('Project %L takes one judgment per worker and task.', r.name),
				  HINT = 'Set projects.allow_repeat_judgments to accept more.';
	END IF;

	-- one event and one NOTIFY (carrying only the event_id: any role may
	-- LISTEN) per task that completed or reopened
	IF v_changed IS NOT NULL THEN
		WITH ev AS (
			INSERT INTO @extschema@.task_events (project_id, task_id, status, label, confidence, judgments)
			SELECT ts.project_id, ts.task_id, ts.status, ts.label, ts.confidence, ts.n_counted
			FROM @extschema@.task_state ts
			JOIN unnest(v_changed) AS u(task_id) ON u.task_id = ts.task_id
			ORDER BY ts.task_id
			RETURNING event_id, status
		)
		SELECT array_agg(ev.event_id ORDER BY ev.event_id), array_agg(ev.status ORDER BY ev.event_id)
		INTO v_events, v_statuses
		FROM ev;
		-- in event (= task_id) order: unnest keeps the arrays' order
		PERFORM pg_notify(CASE WHEN u.status = 'complete' THEN 'labeling_task_complete'
							   ELSE 'labeling_task_reopen' END,
						  u.event_id::text)
		FROM unnest(v_events, v_statuses) AS u(event_id, status);
	END IF;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_tasks(bigint[], bigint[]) IS
	'internal: lock and recompute task_state rows, check rules needing the lock, NOTIFY completions';

-- The three phases.  p_tasks: tasks to recompute; (p_projects, p_workers):
-- worker pairs to recompute; p_new_tasks: the tasks of newly inserted
-- judgments (checked under the task lock), or NULL; p_qc: apply the
-- quality-control rules; p_cascade: treat every worker pair as changed (its
-- tasks are recomputed); p_agreement: recompute agreement (and apply the
-- agreement rules when p_qc).
-- not STRICT: NULL arrays mean no tasks or workers
CREATE OR REPLACE FUNCTION labeling_internal.live_update(p_tasks bigint[], p_projects bigint[], p_workers bigint[],
		p_new_tasks bigint[], p_qc boolean, p_cascade boolean, p_agreement boolean)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_cp bigint[];
	v_cw bigint[];
	v_tasks bigint[];
BEGIN
	-- phase 1: workers
	PERFORM labeling_internal.live_lock_workers(p_projects, p_workers);
	IF p_cascade THEN
		PERFORM labeling_internal.live_worker_stats(p_projects, p_workers);
		v_cp := p_projects;
		v_cw := p_workers;
	ELSE
		SELECT array_agg(c.project_id), array_agg(c.worker_id) INTO v_cp, v_cw
		FROM labeling_internal.live_worker_stats(p_projects, p_workers) c;
	END IF;
	IF p_qc THEN
		SELECT v_cp || array_agg(b.project_id), v_cw || array_agg(b.worker_id) INTO v_cp, v_cw
		FROM labeling_internal.live_qc(p_projects, p_workers,
								 ARRAY['golden_lower_bound', 'median_seconds']) b;
	END IF;

	-- phase 2: tasks, with every task judged by a worker whose weight changed
	-- (with several projects, by a worker whose weight changed in another
	-- project too: recomputing more is harmless)
	IF v_cp IS NULL THEN
		v_tasks := p_tasks;
	ELSE
		SELECT array_agg(x.task_id) INTO v_tasks
		FROM (SELECT u.task_id FROM unnest(p_tasks) AS u(task_id)
			  UNION
			  SELECT j.task_id
			  FROM @extschema@.judgments j
			  JOIN @extschema@.tasks t ON t.task_id = j.task_id
			  WHERE j.worker_id = ANY (v_cw) AND t.project_id = ANY (v_cp)) x;
	END IF;
	PERFORM labeling_internal.live_tasks(v_tasks, p_new_tasks);

	-- phase 3: agreement
	IF p_agreement THEN
		PERFORM labeling_internal.live_agreement(p_projects, p_workers);
		IF p_qc THEN
			PERFORM labeling_internal.live_qc(p_projects, p_workers, ARRAY['agreement']);
		END IF;
	END IF;
END
$$;
COMMENT ON FUNCTION labeling_internal.live_update(bigint[], bigint[], bigint[], bigint[], boolean, boolean, boolean) IS
	'internal: recompute worker_state and task_state for the given workers and tasks, in lock order';

-- All tasks and worker pairs of a project, for the whole-project paths.
-- not STRICT: called only with a project id
CREATE OR REPLACE FUNCTION labeling_internal.live_update_project(p_project bigint, p_qc boolean)
	RETURNS void
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	v_tasks bigint[];
	v_projects bigint[];
	v_workers bigint[];
	v_work_mem text;
BEGIN
	v_work_mem := labeling_internal.live_bulk_mode(
		(SELECT count(*) FROM @extschema@.judgments j
		 JOIN @extschema@.tasks t ON t.task_id = j.task_id
		 WHERE t.project_id = p_project),
		'@extschema@.judgments'::regclass);
	SELECT array_agg(t.task_id ORDER BY t.task_id) INTO v_tasks
	FROM @extschema@.tasks t WHERE t.project_id = p_project;
	SELECT array_agg(p_project), array_agg(x.worker_id) INTO v_projects, v_workers
	FROM (SELECT j.worker_id
		  FROM @extschema@.judgments j
		  JOIN @extschema@.tasks t ON t.task_id = j.task_id
		  WHERE t.project_id = p_project
		  UNION
		  SELECT ws.worker_id FROM @extschema@.worker_state ws
		  WHERE ws.project_id = p_project) x;
	PERFORM labeling_internal.live_update(v_tasks, v_projects, v_workers, NULL,
									p_qc, true, true);
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
END
$$;
COMMENT ON FUNCTION labeling_internal.live_update_project(bigint, boolean) IS
	'internal: recompute the whole live state of one project';

-- True when a worker's judgments do not count in a project.
-- not STRICT: a NULL status is not banned
CREATE OR REPLACE FUNCTION labeling_internal.live_worker_banned(ws_status text, w_status text) RETURNS boolean
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN ws_status OPERATOR(pg_catalog.=) 'banned' OR w_status OPERATOR(pg_catalog.=) 'banned';
COMMENT ON FUNCTION labeling_internal.live_worker_banned(text, text) IS
	'internal: is a worker banned in a project (worker_state.status) or everywhere (workers.status)';

-- not STRICT: NULL arguments are reported
CREATE OR REPLACE FUNCTION @extschema@.next_tasks(worker_id bigint, project_id bigint, n integer DEFAULT 1)
	RETURNS TABLE (assignment_id bigint, payload jsonb, labels text[], guidelines_version integer,
				   price numeric, expires_at timestamptz)
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	w @extschema@.workers;
	p @extschema@.projects;
	v_room integer;
	v_regular bigint[];
	v_take bigint[] := '{}';
	v_golden_slots integer := 0;
	v_pending integer;
	v_slots integer := 0;
	v_golden bigint[] := '{}';
	v_task bigint;
	v_seed bigint;
BEGIN
	w := labeling_internal.dispatch_worker(next_tasks.worker_id);
	IF next_tasks.project_id IS NULL OR next_tasks.n IS NULL THEN
		RAISE EXCEPTION 'project_id and n must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF next_tasks.n < 1 OR next_tasks.n > 100 THEN
		RAISE EXCEPTION 'n must be between 1 and 100, not %', next_tasks.n
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF current_setting('transaction_isolation') <> 'read committed' THEN
		RAISE EXCEPTION 'next_tasks runs in READ COMMITTED transactions only'
			USING ERRCODE = 'invalid_transaction_state',
				  DETAIL = format('The transaction is %s.', upper(current_setting('transaction_isolation'))),
				  HINT = 'What the worker judged and holds is read after the worker''s lock, in a new snapshot: call it in its own READ COMMITTED transaction.';
	END IF;
	SELECT x.* INTO p FROM @extschema@.projects x WHERE x.project_id = next_tasks.project_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % does not exist', next_tasks.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'next_tasks() hands out tasks of classification projects.';
	END IF;

	-- 1. one dispatch at a time per worker (a ban committed meanwhile is
	-- seen after the lock); expired assignments go back
	SELECT x.* INTO w FROM @extschema@.workers x WHERE x.worker_id = w.worker_id FOR NO KEY UPDATE;
	IF w.status = 'banned' OR EXISTS (
			SELECT 1 FROM @extschema@.worker_state ws
			WHERE ws.project_id = p.project_id AND ws.worker_id = w.worker_id
			  AND ws.status = 'banned') THEN
		RAISE EXCEPTION '% is banned in project %', labeling_internal.describe_worker(w.worker_id), quote_literal(p.name)
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	PERFORM @extschema@.reclaim_expired(p.project_id, 1000);
	SELECT next_tasks.n - greatest(count(*) + next_tasks.n - p.max_open_per_worker, 0) INTO v_room
	FROM @extschema@.assignments a
	JOIN @extschema@.tasks t ON t.task_id = a.task_id
	WHERE a.worker_id = w.worker_id AND a.state = 'issued' AND t.project_id = p.project_id;
	IF v_room <= 0 THEN
		RETURN;
	END IF;

	-- 2. lock regular tasks with room in dispatch order, skipping locked
	-- ones and those the worker judged or holds
	SELECT array_agg(c.task_id ORDER BY c.priority DESC, c.confidence NULLS FIRST, c.task_id)
	INTO v_regular
	FROM (SELECT ts.task_id, ts.priority, ts.confidence
		  FROM @extschema@.task_state ts
		  WHERE ts.project_id = p.project_id AND ts.status = 'open' AND NOT ts.golden
			AND ts.assigned < ts.needed
			AND NOT EXISTS (SELECT 1 FROM @extschema@.judgments j
							WHERE j.task_id = ts.task_id AND j.worker_id = w.worker_id)
			AND NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
							WHERE a.task_id = ts.task_id AND a.worker_id = w.worker_id
							  AND a.state = 'issued')
		  ORDER BY ts.priority DESC, ts.confidence NULLS FIRST, ts.task_id
		  LIMIT v_room
		  FOR UPDATE OF ts SKIP LOCKED) c;

	-- 3. golden slots: a run of golden slots (each with probability
	-- golden_rate) in front of every regular task taken; a run cut short by
	-- the end of the batch is kept, since the regular task after it exists
	FOREACH v_task IN ARRAY coalesce(v_regular, '{}') LOOP
		v_pending := 0;
		IF p.golden_rate > 0 THEN
			WHILE v_slots < v_room AND labeling_internal.dispatch_random() < p.golden_rate LOOP
				v_pending := v_pending + 1;
				v_slots := v_slots + 1;
			END LOOP;
		END IF;
		v_golden_slots := v_golden_slots + v_pending;
		EXIT WHEN v_slots >= v_room;
		v_take := v_take || v_task;
		v_slots := v_slots + 1;
		EXIT WHEN v_slots >= v_room;
	END LOOP;
	IF v_golden_slots > 0 THEN
		v_seed := (labeling_internal.dispatch_random() * 9007199254740992)::bigint;
		-- golden tasks the worker has never been handed (in any state:
		-- issued, submitted, expired or cancelled) nor judged, in random
		-- order (no lock: a golden task has no overlap to protect)
		SELECT array_agg(g.task_id) INTO v_golden
		FROM (SELECT ts.task_id
			  FROM @extschema@.task_state ts
			  WHERE ts.project_id = p.project_id AND ts.golden AND ts.status = 'open'
				AND NOT EXISTS (SELECT 1 FROM @extschema@.judgments j
								WHERE j.task_id = ts.task_id AND j.worker_id = w.worker_id)
				AND NOT EXISTS (SELECT 1 FROM @extschema@.assignments a
								WHERE a.worker_id = w.worker_id AND a.task_id = ts.task_id)
			  ORDER BY hashint8(ts.task_id # v_seed), ts.task_id
			  LIMIT v_golden_slots) g;
	END IF;

	-- 4. the assignments, in random order
	RETURN QUERY
	WITH ins AS (
		INSERT INTO @extschema@.assignments AS a
			(task_id, worker_id, issued_at, expires_at, guidelines_version, price)
		SELECT c.task_id, w.worker_id, now(), now() + p.assignment_ttl,
			   p.guidelines_version, p.price_per_judgment
		FROM unnest(v_take || coalesce(v_golden, '{}')) AS c(task_id)
		ORDER BY labeling_internal.dispatch_random()
		RETURNING a.assignment_id, a.task_id, a.guidelines_version, a.price, a.expires_at
	)
	SELECT i.assignment_id, t.payload, p.labels, i.guidelines_version, i.price, i.expires_at
	FROM ins i
	JOIN @extschema@.tasks t ON t.task_id = i.task_id
	ORDER BY i.assignment_id;
END
$$;
COMMENT ON FUNCTION @extschema@.next_tasks(bigint, bigint, integer) IS
	'hand up to n tasks of a project to a worker as assignments: most uncertain first, golden tasks mixed in at the project''s rate';

CREATE OR REPLACE FUNCTION labeling_internal.projects_after_write()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.guidelines_version <> OLD.guidelines_version THEN
		INSERT INTO @extschema@.project_guidelines (project_id, version, guidelines)
		VALUES (NEW.project_id, NEW.guidelines_version, NEW.guidelines)
		ON CONFLICT (project_id, version) DO UPDATE SET guidelines = EXCLUDED.guidelines;
	END IF;
	IF TG_OP = 'UPDATE'
	   AND (NEW.labels IS DISTINCT FROM OLD.labels
			OR NEW.min_overlap <> OLD.min_overlap OR NEW.max_overlap <> OLD.max_overlap
			OR NEW.target_confidence <> OLD.target_confidence
			OR NEW.prior_correct <> OLD.prior_correct OR NEW.prior_wrong <> OLD.prior_wrong) THEN
		PERFORM labeling_internal.live_update_project(NEW.project_id, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.projects_after_write() IS
	'trigger: keep project_guidelines, recompute the project when labels, overlap, target or prior change';

CREATE OR REPLACE FUNCTION @extschema@.rebuild(project_id bigint)
	RETURNS void
	LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = rebuild.project_id) THEN
		RAISE EXCEPTION 'project % does not exist', rebuild.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	PERFORM 1 FROM @extschema@.projects p WHERE p.project_id = rebuild.project_id
	FOR NO KEY UPDATE;
	PERFORM labeling_internal.live_update_project(rebuild.project_id, false);
END
$$;
COMMENT ON FUNCTION @extschema@.rebuild(bigint) IS
	'recompute task_state and worker_state of a project from its judgments (statuses and events are kept; no rule is applied)';

-- not STRICT: method NULL means the project's refresh_method
CREATE OR REPLACE FUNCTION @extschema@.refresh(project_id bigint, method text DEFAULT NULL)
	RETURNS @extschema@.refresh_runs
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	SET plan_cache_mode = force_generic_plan
	SET enable_nestloop = on
	SET enable_sort = on
	SET jit = off
	AS $$
DECLARE
	p @extschema@.projects;
	v_method text;
	v_started timestamptz := clock_timestamp();
	v_run @extschema@.refresh_runs;
	v_work_mem text;
	v_model @extschema@.truth_model;
	v_details jsonb;
BEGIN
	IF refresh.project_id IS NULL THEN
		RAISE EXCEPTION 'project_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO p FROM @extschema@.projects x WHERE x.project_id = refresh.project_id
	FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'project % does not exist', refresh.project_id
			USING ERRCODE = 'no_data_found';
	END IF;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'refresh() fits classification models over judgments.';
	END IF;
	v_method := coalesce(refresh.method, p.refresh_method);
	IF NOT EXISTS (SELECT 1 FROM @extschema@.refresh_methods() m WHERE m = v_method) THEN
		RAISE EXCEPTION 'unknown refresh method %', quote_literal(v_method)
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = format('Available methods: %s.',
								(SELECT string_agg(m, ', ') FROM @extschema@.refresh_methods() m));
	END IF;
	v_work_mem := labeling_internal.live_bulk_mode(
		(SELECT count(*) FROM @extschema@.judgments j
		 JOIN @extschema@.tasks t ON t.task_id = j.task_id
		 WHERE t.project_id = p.project_id),
		'@extschema@.judgments'::regclass);

	INSERT INTO @extschema@.refresh_runs (project_id, method, started_at, finished_at,
										  n_tasks, n_workers, n_judgments, golden_tasks)
	VALUES (p.project_id, v_method, v_started, v_started, 0, 0, 0, 0)
	RETURNING * INTO v_run;
	DELETE FROM @extschema@.refresh_labels rl WHERE rl.project_id = p.project_id;
	DELETE FROM @extschema@.refresh_workers rw WHERE rw.project_id = p.project_id;

	-- the fit: a posterior per task from the judgments that count
	IF v_method IN ('majority_vote', 'weighted_vote') THEN
		-- (majority_vote: vote shares; weighted_vote: shares of worker skill)
		INSERT INTO @extschema@.refresh_labels (task_id, project_id, run_id, label, confidence, posterior)
		SELECT f.task_id, p.project_id, v_run.run_id,
			   @extschema@.top_label(f.d), @extschema@.confidence(f.d), f.d
		FROM (SELECT j.task_id,
					 @extschema@.vote_dist(j.label, CASE WHEN v_method = 'weighted_vote'
														 THEN ws.skill ELSE 1.0 END
										   ORDER BY j.label, ws.skill) AS d
			  FROM @extschema@.judgments j
			  JOIN @extschema@.tasks t ON t.task_id = j.task_id
			  JOIN @extschema@.worker_state ws
				ON ws.project_id = t.project_id AND ws.worker_id = j.worker_id
			  JOIN @extschema@.workers w ON w.worker_id = j.worker_id
			  WHERE t.project_id = p.project_id
				AND NOT labeling_internal.live_worker_banned(ws.status, w.status)
			  GROUP BY j.task_id) f
		WHERE f.d IS NOT NULL;
	ELSE
		-- a truth-inference model (fit_truth_model leaves out the same banned
		-- workers); golden labels are not given to it, so that the accuracy
		-- on the golden tasks below stays an honest measure
		v_model := @extschema@.fit_truth_model(v_method, p.project_id, false);
		INSERT INTO @extschema@.refresh_labels (task_id, project_id, run_id, label, confidence, posterior)
		SELECT m.task, p.project_id, v_run.run_id, m.label, m.confidence, m.posterior
		FROM @extschema@.truth_tasks(v_model, NULL::bigint) m;
		SELECT jsonb_build_object('iterations', d.iterations, 'converged', d.converged,
								  'objective', d.objective)
		INTO v_details
		FROM @extschema@.truth_diagnostics(v_model) d;
	END IF;

	-- what the fit says about each worker, on non-golden tasks
	INSERT INTO @extschema@.refresh_workers (project_id, worker_id, run_id, n_judgments,
											 expected_correct, skill)
	SELECT p.project_id, j.worker_id, v_run.run_id, count(*),
		   least(sum(x.probability ORDER BY x.probability), count(*)),
		   least(sum(x.probability ORDER BY x.probability), count(*)) / count(*)
	FROM @extschema@.refresh_labels rl
	JOIN @extschema@.judgments j ON j.task_id = rl.task_id
	JOIN @extschema@.worker_state ws ON ws.project_id = p.project_id AND ws.worker_id = j.worker_id
	JOIN @extschema@.workers w ON w.worker_id = j.worker_id
	LEFT JOIN @extschema@.golden_labels g ON g.task_id = rl.task_id
	CROSS JOIN LATERAL (SELECT @extschema@.probability(rl.posterior, j.label) AS probability) x
	WHERE rl.project_id = p.project_id
	  AND g.task_id IS NULL
	  AND NOT labeling_internal.live_worker_banned(ws.status, w.status)
	GROUP BY j.worker_id
	ORDER BY j.worker_id;

	UPDATE @extschema@.refresh_runs r
	SET n_tasks = (SELECT count(*) FROM @extschema@.refresh_labels rl
				   WHERE rl.project_id = p.project_id),
		n_workers = (SELECT count(*) FROM @extschema@.refresh_workers rw
					 WHERE rw.project_id = p.project_id),
		n_judgments = (SELECT count(*) FROM @extschema@.refresh_labels rl
					   JOIN @extschema@.judgments j ON j.task_id = rl.task_id
					   JOIN @extschema@.worker_state ws
						 ON ws.project_id = p.project_id AND ws.worker_id = j.worker_id
					   JOIN @extschema@.workers w ON w.worker_id = j.worker_id
					   WHERE rl.project_id = p.project_id
						 AND NOT labeling_internal.live_worker_banned(ws.status, w.status)),
		golden_tasks = g.n,
		golden_accuracy = g.accuracy,
		details = jsonb_build_object('prior_correct', p.prior_correct,
									 'prior_wrong', p.prior_wrong)
				  || coalesce(v_details, '{}')
	FROM (SELECT count(*) AS n,
				 avg(CASE WHEN rl.label = gl.label THEN 1.0 ELSE 0.0 END)::double precision AS accuracy
		  FROM @extschema@.refresh_labels rl
		  JOIN @extschema@.golden_labels gl ON gl.task_id = rl.task_id
		  WHERE rl.project_id = p.project_id) g
	WHERE r.run_id = v_run.run_id;

	-- the new skills weight every live posterior; rules see the new record
	PERFORM labeling_internal.live_update_project(p.project_id, true);

	UPDATE @extschema@.refresh_runs r SET finished_at = clock_timestamp()
	WHERE r.run_id = v_run.run_id
	RETURNING * INTO v_run;
	PERFORM labeling_internal.live_bulk_mode_end(v_work_mem);
	RETURN v_run;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh(bigint, text) IS
	'refit a project''s batch model (projects.refresh_method unless given), store labels and worker skills, recompute the live state';

CREATE OR REPLACE FUNCTION @extschema@.refresh_methods()
	RETURNS SETOF text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	BEGIN ATOMIC
		SELECT u.m FROM pg_catalog.unnest(ARRAY['dawid_skene', 'one_coin', 'glad', 'wawa',
												'majority_vote', 'weighted_vote']) AS u(m);
	END;
COMMENT ON FUNCTION @extschema@.refresh_methods() IS
	'the batch models refresh(project, method) can fit';

-- not STRICT: reason may be NULL; NULL keys are reported
CREATE OR REPLACE FUNCTION @extschema@.set_worker_status(project_id bigint, worker_id bigint, status text,
		reason text DEFAULT NULL)
	RETURNS @extschema@.qc_events
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_old text;
	v_action text;
	e @extschema@.qc_events;
BEGIN
	IF status IS NULL OR NOT (status = 'active' OR status = 'flagged' OR status = 'banned') THEN
		RAISE EXCEPTION 'invalid worker status %', coalesce(quote_literal(status), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use active, flagged or banned.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = set_worker_status.project_id)
	   OR NOT EXISTS (SELECT 1 FROM @extschema@.workers w WHERE w.worker_id = set_worker_status.worker_id) THEN
		RAISE EXCEPTION 'no project % or no worker %', set_worker_status.project_id, set_worker_status.worker_id
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	PERFORM labeling_internal.live_lock_workers(ARRAY[set_worker_status.project_id],
										  ARRAY[set_worker_status.worker_id]);
	SELECT ws.status INTO v_old FROM @extschema@.worker_state ws
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;

	v_action := CASE WHEN status = 'banned' THEN 'ban'
					 WHEN status = 'flagged' THEN 'flag'
					 WHEN v_old = 'banned' THEN 'unban'
					 ELSE 'unflag' END;
	INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
	VALUES (set_worker_status.project_id, set_worker_status.worker_id, v_action,
			jsonb_build_object('source', 'set_worker_status', 'reason', reason,
							   'previous_status', v_old))
	RETURNING * INTO e;
	UPDATE @extschema@.worker_state ws
	SET status = set_worker_status.status, status_changed_at = now()
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;
	PERFORM labeling_internal.live_notify_events(ARRAY[e.event_id]);
	IF (v_old = 'banned') <> (status = 'banned') THEN
		PERFORM labeling_internal.live_update(NULL, ARRAY[set_worker_status.project_id],
										ARRAY[set_worker_status.worker_id], NULL,
										false, true, true);
	END IF;
	RETURN e;
END
$$;
COMMENT ON FUNCTION @extschema@.set_worker_status(bigint, bigint, text, text) IS
	'ban, flag, unban or clear a worker in a project by hand; recorded in qc_events and NOTIFYed';

-- not STRICT: NULL arguments are reported; time_spent and score may be NULL
CREATE OR REPLACE FUNCTION @extschema@.submit(assignment_id bigint, label text,
		time_spent interval DEFAULT NULL, score double precision DEFAULT NULL)
	RETURNS bigint
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	a @extschema@.assignments;
	w @extschema@.workers;
	p @extschema@.projects;
	v_role name := labeling_internal.dispatch_caller();
	v_admin boolean;
	v_task_status text;
	v_since timestamptz;
	v_measured interval;
	v_judgment bigint;
	v_state text;
	v_constraint text;
BEGIN
	IF submit.assignment_id IS NULL THEN
		RAISE EXCEPTION 'assignment_id must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- who may submit it is checked before the row is locked; a worker is
	-- told the same whether the assignment does not exist or is another
	-- worker's, so that no refusal says who holds what
	v_admin := pg_has_role(v_role, 'labeling_admin', 'USAGE');
	SELECT x.* INTO a FROM @extschema@.assignments x WHERE x.assignment_id = submit.assignment_id;
	IF v_admin AND NOT FOUND THEN
		RAISE EXCEPTION 'assignment % does not exist', submit.assignment_id
			USING ERRCODE = 'no_data_found';
	ELSIF NOT v_admin AND (NOT FOUND OR NOT EXISTS (
			SELECT 1 FROM @extschema@.workers x
			WHERE x.worker_id = a.worker_id AND x.login_role = v_role)) THEN
		RAISE EXCEPTION 'assignment % is not one of your assignments', submit.assignment_id
			USING ERRCODE = 'no_data_found',
				  HINT = 'Submit the assignments next_tasks() handed out to you.';
	END IF;
	w := labeling_internal.dispatch_worker(a.worker_id);
	SELECT x.* INTO a FROM @extschema@.assignments x WHERE x.assignment_id = submit.assignment_id
	FOR UPDATE;
	IF a.worker_id <> w.worker_id THEN
		RAISE EXCEPTION 'assignment % moved to another worker', a.assignment_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF a.state <> 'issued' THEN
		RAISE EXCEPTION 'assignment % is %', a.assignment_id, a.state
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
				  HINT = 'Only an issued assignment can be submitted, once.';
	END IF;
	IF a.expires_at <= now() THEN
		RAISE EXCEPTION 'assignment % expired', a.assignment_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_assignment_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'assignment_id',
				  DETAIL = format('It expired at %s.', a.expires_at),
				  HINT = 'Ask next_tasks() for new work.';
	END IF;
	IF submit.label IS NULL THEN
		RAISE EXCEPTION 'label must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;

	-- the rules the triggers check, reported without naming the task
	SELECT t.status INTO v_task_status FROM @extschema@.tasks t WHERE t.task_id = a.task_id;
	SELECT pr.* INTO p
	FROM @extschema@.tasks t JOIN @extschema@.projects pr ON pr.project_id = t.project_id
	WHERE t.task_id = a.task_id;
	IF p.kind <> 'classification' THEN
		RAISE EXCEPTION 'project % is a side-by-side project', quote_literal(p.name)
			USING ERRCODE = 'feature_not_supported',
				  DETAIL = 'submit() records judgments of classification projects.';
	END IF;
	IF v_task_status = 'closed' AND NOT p.allow_judgments_on_closed THEN
		RAISE EXCEPTION 'the task of assignment % was closed', a.assignment_id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_task_open',
				  SCHEMA = '@extschema@', TABLE = 'judgments';
	END IF;
	IF array_position(p.labels, submit.label) IS NULL THEN
		RAISE EXCEPTION 'label % is not among the labels of project %',
				quote_literal(submit.label), quote_literal(p.name)
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_label_allowed',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'label',
				  DETAIL = format('The allowed labels are %s.', array_to_string(p.labels, ', '));
	END IF;
	IF submit.score IS NOT NULL AND w.kind <> 'model' THEN
		RAISE EXCEPTION '% is a % worker and cannot give a score', labeling_internal.describe_worker(w.worker_id), w.kind
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_score_model_only',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'score';
	END IF;
	IF submit.time_spent < '0'::interval THEN
		RAISE EXCEPTION 'time_spent must not be negative'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'judgments_time_spent_check',
				  SCHEMA = '@extschema@', TABLE = 'judgments', COLUMN = 'time_spent';
	END IF;

	-- time spent: measured since the assignment was issued or the worker's
	-- previous judgment in the project, whichever is later; a reported time
	-- may be shorter, never longer
	SELECT greatest(a.issued_at, max(ws.last_judgment_at)) INTO v_since
	FROM @extschema@.worker_state ws
	WHERE ws.project_id = p.project_id AND ws.worker_id = w.worker_id;
	v_measured := greatest(now() - v_since, '0'::interval);

	-- The triggers check the rules again under their locks, and their errors
	-- name tasks and workers (a task an admin closed meanwhile, a judgment
	-- given outside this assignment): a worker gets the refusal with its
	-- SQLSTATE and constraint, worded by its own assignment (an admin gets
	-- the triggers' own words).
	BEGIN
		INSERT INTO @extschema@.judgments AS j
			(task_id, worker_id, label, time_spent, guidelines_version, assignment_id, score)
		VALUES (a.task_id, w.worker_id, submit.label,
				least(coalesce(submit.time_spent, v_measured), v_measured),
				a.guidelines_version, a.assignment_id, submit.score)
		RETURNING j.judgment_id INTO v_judgment;
	EXCEPTION WHEN integrity_constraint_violation THEN
		IF v_admin THEN
			RAISE;
		END IF;
		GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_constraint = CONSTRAINT_NAME;
		RAISE EXCEPTION 'assignment % cannot be submitted: %', a.assignment_id,
				CASE v_constraint
					WHEN 'judgments_task_open' THEN 'its task was closed'
					WHEN 'judgments_one_per_worker' THEN 'you already answered its task'
					WHEN 'judgments_assignment_open' THEN 'it was submitted or closed meanwhile'
					WHEN 'judgments_label_allowed' THEN 'the label is not among the labels of the project'
					ELSE 'a rule of the project refused it' END
			USING ERRCODE = v_state, CONSTRAINT = coalesce(v_constraint, ''),
				  SCHEMA = '@extschema@', TABLE = 'judgments',
				  HINT = 'Ask next_tasks() for new work.';
	END;
	RETURN v_judgment;
END
$$;
COMMENT ON FUNCTION @extschema@.submit(bigint, text, interval, double precision) IS
	'record the judgment of an issued assignment (the caller''s own); returns the judgment id';

CREATE OR REPLACE FUNCTION labeling_internal.tasks_after_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	INSERT INTO @extschema@.task_state (task_id, project_id, status, priority, needed)
	SELECT n.task_id, n.project_id, x.status, n.priority,
		   labeling_internal.live_needed(x.status, false, p.kind, 0, p.min_overlap, p.max_overlap)
	FROM new_rows n
	JOIN @extschema@.projects p ON p.project_id = n.project_id
	CROSS JOIN LATERAL (SELECT CASE WHEN n.status = 'closed' THEN 'closed' ELSE 'open' END AS status) x
	ORDER BY n.task_id;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.tasks_after_insert() IS
	'trigger: create the task_state row of new tasks';

CREATE OR REPLACE FUNCTION labeling_internal.tasks_after_update()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	r record;
	v_tasks bigint[];
BEGIN
	SELECT o.task_id, o.project_id AS old_project, n.project_id AS new_project INTO r
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.project_id <> o.project_id
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'a task cannot move to another project'
			USING ERRCODE = 'check_violation', CONSTRAINT = 'tasks_project_immutable',
				  SCHEMA = '@extschema@', TABLE = 'tasks',
				  DETAIL = format('%s was moved from %s to %s.', labeling_internal.describe_task(r.task_id),
								  labeling_internal.describe_project(r.old_project), labeling_internal.describe_project(r.new_project)),
				  HINT = 'Create a new task in the other project.';
	END IF;
	SELECT array_agg(n.task_id) INTO v_tasks
	FROM old_rows o JOIN new_rows n ON n.task_id = o.task_id
	WHERE n.status <> o.status OR n.priority <> o.priority;
	IF v_tasks IS NOT NULL THEN
		PERFORM labeling_internal.live_tasks(v_tasks, NULL);
		-- the copy of the priority that orders next_tasks() (rows locked above)
		UPDATE @extschema@.task_state ts SET priority = n.priority
		FROM new_rows n
		WHERE ts.task_id = n.task_id AND ts.priority <> n.priority;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.tasks_after_update() IS
	'trigger: tasks stay in their project; closing, reopening or reprioritising a task updates its state';

-- workers: a ban on the account (workers.status) applies in every project
CREATE OR REPLACE FUNCTION labeling_internal.workers_after_update()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_events bigint[];
	v_projects bigint[];
	v_workers bigint[];
BEGIN
	WITH ch AS (
		SELECT n.worker_id, n.status
		FROM old_rows o JOIN new_rows n ON n.worker_id = o.worker_id
		WHERE (n.status = 'banned') <> (o.status = 'banned')
	), ev AS (
		INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
		SELECT NULL, ch.worker_id, CASE WHEN ch.status = 'banned' THEN 'ban' ELSE 'unban' END,
			   jsonb_build_object('source', 'workers.status')
		FROM ch ORDER BY ch.worker_id
		RETURNING event_id
	)
	SELECT array_agg(ev.event_id) INTO v_events FROM ev;
	IF v_events IS NULL THEN
		RETURN NULL;
	END IF;
	PERFORM labeling_internal.live_notify_events(v_events);

	SELECT array_agg(ws.project_id), array_agg(ws.worker_id) INTO v_projects, v_workers
	FROM @extschema@.worker_state ws
	JOIN @extschema@.qc_events e ON e.worker_id = ws.worker_id
	JOIN unnest(v_events) AS u(event_id) ON u.event_id = e.event_id;
	IF v_projects IS NOT NULL THEN
		PERFORM labeling_internal.live_update(NULL, v_projects, v_workers, NULL,
										false, true, true);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION labeling_internal.workers_after_update() IS
	'trigger: record a ban or unban of a worker account and recompute the tasks it judged';

-- ===========================================================================
-- Changed views: they also give the project's name
-- ===========================================================================

CREATE OR REPLACE VIEW @extschema@.label_distribution AS
SELECT p.project_id,
	   l.label,
	   pg_catalog.count(ts.task_id) AS tasks,
	   pg_catalog.count(ts.task_id) FILTER (
		   WHERE ts.status OPERATOR(pg_catalog.=) 'complete') AS complete_tasks,
	   pg_catalog.round(pg_catalog.count(ts.task_id)::numeric OPERATOR(pg_catalog./)
		   nullif(pg_catalog.sum(pg_catalog.count(ts.task_id))
							 OVER (PARTITION BY p.project_id), 0), 4) AS share,
	   (SELECT pg_catalog.count(*)
		FROM @extschema@.judgments j
		JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) j.task_id
		WHERE t.project_id OPERATOR(pg_catalog.=) p.project_id
		  AND j.label OPERATOR(pg_catalog.=) l.label) AS judgments,
	   p.name AS project
FROM @extschema@.projects p
CROSS JOIN LATERAL pg_catalog.unnest(p.labels) WITH ORDINALITY AS l(label, position)
LEFT JOIN @extschema@.task_state ts
  ON ts.project_id OPERATOR(pg_catalog.=) p.project_id
 AND ts.label OPERATOR(pg_catalog.=) l.label
 AND NOT ts.golden
GROUP BY p.project_id, l.label, l.position
ORDER BY p.project_id, l.position;
COMMENT ON VIEW @extschema@.label_distribution IS
	'per project and label: non-golden tasks whose current label it is (and their share), judgments giving it';

CREATE OR REPLACE VIEW @extschema@.worker_quality AS
SELECT ws.project_id,
	   ws.worker_id,
	   w.external_id,
	   w.kind,
	   w.model_version,
	   CASE WHEN w.status OPERATOR(pg_catalog.=) 'banned' THEN 'banned' ELSE ws.status END AS status,
	   ws.n_judgments AS judgments,
	   ws.golden_answered,
	   ws.golden_correct,
	   pg_catalog.round((ws.golden_correct::numeric OPERATOR(pg_catalog./)
						 nullif(ws.golden_answered, 0)), 4) AS golden_accuracy,
	   pg_catalog.round(ws.golden_lower::numeric, 4) AS golden_lower,
	   pg_catalog.round(ws.golden_upper::numeric, 4) AS golden_upper,
	   pg_catalog.round(ws.skill::numeric, 4) AS skill,
	   pg_catalog.round(rw.skill::numeric, 4) AS fitted_skill,
	   pg_catalog.round((a.agreeing::numeric OPERATOR(pg_catalog./)
						 nullif(a.judgments, 0)), 4) AS agreement,
	   a.judgments AS agreement_judgments,
	   pg_catalog.round(ws.median_seconds::numeric, 1) AS median_seconds,
	   ws.last_judgment_at,
	   p.name AS project
FROM @extschema@.worker_state ws
JOIN @extschema@.workers w ON w.worker_id OPERATOR(pg_catalog.=) ws.worker_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ws.project_id
LEFT JOIN @extschema@.refresh_workers rw
  ON rw.project_id OPERATOR(pg_catalog.=) ws.project_id
 AND rw.worker_id OPERATOR(pg_catalog.=) ws.worker_id
LEFT JOIN labeling_internal.live_worker_agreement a
  ON a.project_id OPERATOR(pg_catalog.=) ws.project_id
 AND a.worker_id OPERATOR(pg_catalog.=) ws.worker_id;
COMMENT ON VIEW @extschema@.worker_quality IS
	'per project and worker: golden accuracy with its 95% credible bounds, skill, live leave-one-out agreement, time, status';

CREATE OR REPLACE VIEW @extschema@.tasks_needing_attention AS
SELECT ts.project_id,
	   ts.task_id,
	   t.external_id,
	   ts.status,
	   ts.n_counted AS judgments,
	   ts.label,
	   pg_catalog.round(ts.confidence::numeric, 4) AS confidence,
	   pg_catalog.round(@extschema@.entropy(ts.posterior)::numeric, 4) AS entropy,
	   CASE WHEN ts.status OPERATOR(pg_catalog.=) 'complete'
			THEN 'max overlap reached below target'
			WHEN ts.n_counted OPERATOR(pg_catalog.>=) p.min_overlap
			THEN 'below target confidence'
			ELSE 'below minimum overlap' END AS reason,
	   pg_catalog.rank() OVER (PARTITION BY ts.project_id
							   ORDER BY ts.confidence, @extschema@.entropy(ts.posterior) DESC,
										ts.task_id) AS attention_rank,
	   p.name AS project
FROM @extschema@.task_state ts
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) ts.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ts.project_id
WHERE NOT ts.golden
  AND ts.n_counted OPERATOR(pg_catalog.>) 0
  AND ts.status OPERATOR(pg_catalog.<>) 'closed'
  AND ts.confidence OPERATOR(pg_catalog.<) p.target_confidence
ORDER BY ts.project_id, attention_rank;
COMMENT ON VIEW @extschema@.tasks_needing_attention IS
	'judged tasks below the target confidence, least confident (then most disagreement, by entropy) first';

CREATE OR REPLACE VIEW @extschema@.throughput_hourly AS
SELECT coalesce(j.project_id, c.project_id) AS project_id,
	   coalesce(j.hour, c.hour) AS hour,
	   coalesce(j.judgments, 0) AS judgments,
	   coalesce(j.workers, 0) AS workers,
	   coalesce(c.completed, 0) AS tasks_completed,
	   coalesce(j.judgments, 0) OPERATOR(pg_catalog.*) p.price_per_judgment AS spend,
	   p.name AS project
FROM (SELECT t.project_id, pg_catalog.date_trunc('hour', jj.created_at) AS hour,
			 pg_catalog.count(*) AS judgments,
			 pg_catalog.count(DISTINCT jj.worker_id) AS workers
	  FROM @extschema@.judgments jj
	  JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) jj.task_id
	  GROUP BY 1, 2) j
FULL JOIN (SELECT ts.project_id, pg_catalog.date_trunc('hour', ts.completed_at) AS hour,
				  pg_catalog.count(*) AS completed
		   FROM @extschema@.task_state ts
		   WHERE ts.completed_at IS NOT NULL
		   GROUP BY 1, 2) c
  ON c.project_id OPERATOR(pg_catalog.=) j.project_id AND c.hour OPERATOR(pg_catalog.=) j.hour
JOIN @extschema@.projects p
  ON p.project_id OPERATOR(pg_catalog.=) coalesce(j.project_id, c.project_id)
ORDER BY 1, 2;
COMMENT ON VIEW @extschema@.throughput_hourly IS
	'per project and hour (session time zone): judgments, distinct workers, tasks completed, spend';

CREATE OR REPLACE VIEW @extschema@.task_labels AS
SELECT ts.project_id,
	   ts.task_id,
	   t.external_id,
	   ts.status,
	   ts.n_counted AS judgments,
	   ts.label,
	   ts.confidence,
	   rl.label AS fitted_label,
	   rl.confidence AS fitted_confidence,
	   r.method AS fitted_method,
	   g.label AS golden_label,
	   p.name AS project
FROM @extschema@.task_state ts
JOIN @extschema@.tasks t ON t.task_id OPERATOR(pg_catalog.=) ts.task_id
JOIN @extschema@.projects p ON p.project_id OPERATOR(pg_catalog.=) ts.project_id
LEFT JOIN @extschema@.refresh_labels rl ON rl.task_id OPERATOR(pg_catalog.=) ts.task_id
LEFT JOIN @extschema@.refresh_runs r ON r.run_id OPERATOR(pg_catalog.=) rl.run_id
LEFT JOIN @extschema@.golden_labels g ON g.task_id OPERATOR(pg_catalog.=) ts.task_id;
COMMENT ON VIEW @extschema@.task_labels IS
	'per task: the live label and confidence, the label of the latest refresh() fit, the golden label';

-- ===========================================================================
-- Triggers and privileges: the restore guard on every table kept by pg_dump,
-- the default privileges of every object, then the grants stated one by one
-- ===========================================================================

SELECT labeling_internal.live_restore_guards();
SELECT labeling_internal.roles_grant_defaults();
GRANT EXECUTE ON FUNCTION @extschema@.pairwise_kappa(integer, bigint) TO labeling_analyst;
GRANT EXECUTE ON FUNCTION @extschema@.worker_agreement(bigint) TO labeling_analyst;
