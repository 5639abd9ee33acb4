-- Nothing depends on the caller's search_path: with a schema ahead of
-- pg_catalog that shadows =, <, >=, +, count, sum, now, unnest,
-- array_position and date_trunc, the triggers, refresh(), rebuild() and the
-- views give exactly what they give under a normal search_path.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;

-- the same judgments go into two projects: 'plain' now, 'hostile' later
INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence, price_per_judgment,
							   allow_judgments_on_closed)
VALUES ('plain', '{a,b,c}', 2, 4, 0.85, 1, true), ('hostile', '{a,b,c}', 2, 4, 0.85, 1, true);
INSERT INTO labeling.workers (external_id) SELECT 'w' || i FROM generate_series(1, 6) i;
INSERT INTO labeling.tasks (project_id, external_id)
SELECT p, 't' || i FROM generate_series(1, 2) p, generate_series(1, 12) i;
INSERT INTO labeling.qc_rules (name, metric, threshold, min_count, action) VALUES
	('bound', 'golden_lower_bound', 0.2, 2, 'ban'),
	('speed', 'median_seconds', 3, 3, 'flag'),
	('agree', 'agreement', 0.4, 3, 'flag');
-- the judgments to play, with literal keys, one table per project
CREATE TEMP TABLE script AS
SELECT i AS step, 1 + i % 12 AS task, 1 + (i / 12 + i) % 6 AS worker,
	   CASE WHEN (i * 7) % 10 < 6 THEN (ARRAY['a','b','c'])[1 + i % 3] ELSE (ARRAY['a','b','c'])[1 + (i * 3) % 3] END AS label,
	   1 + (i * 11) % 9 AS secs
FROM generate_series(1, 60) i;
CREATE TEMP TABLE play_plain AS
SELECT s.step, t.task_id, s.worker, s.label, s.secs
FROM script s JOIN labeling.tasks t ON t.project_id = 1 AND t.external_id = 't' || s.task;
CREATE TEMP TABLE play_hostile AS
SELECT s.step, t.task_id, s.worker, s.label, s.secs
FROM script s JOIN labeling.tasks t ON t.project_id = 2 AND t.external_id = 't' || s.task;
-- golden tasks t1, t2 (label a)
INSERT INTO labeling.golden_labels (task_id, label)
SELECT t.task_id, 'a' FROM labeling.tasks t WHERE t.external_id IN ('t1', 't2');
-- one INSERT statement per judgment, nothing but literal values in it
CREATE OR REPLACE FUNCTION play(steps regclass) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	s record;
	n bigint := 0;
BEGIN
	FOR s IN EXECUTE format('SELECT task_id, worker, label, secs FROM %s ORDER BY step', steps) LOOP
		BEGIN
			INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent)
			VALUES (s.task_id, s.worker, s.label, make_interval(secs => s.secs));
			n := n + 1;
		EXCEPTION WHEN check_violation OR unique_violation THEN
			NULL;	-- refused the same way in both projects
		END;
	END LOOP;
	RETURN n;
END $$;
SELECT play('play_plain') AS inserted;
SELECT (labeling.refresh(1, 'weighted_vote')).run_id IS NOT NULL AS refreshed;
SELECT (labeling.set_worker_status(1, 6, 'flagged', 'look')).event_id IS NOT NULL AS flagged;
SELECT (labeling.set_worker_status(1, 6, 'active', NULL)).event_id IS NOT NULL AS cleared;
SELECT labeling.rebuild(1);

CREATE SCHEMA evil;
CREATE FUNCTION evil.text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.text_eq);
CREATE FUNCTION evil.int8_eq(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8_eq);
CREATE FUNCTION evil.int4_eq(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.int4_eq);
CREATE FUNCTION evil.f8_lt(float8, float8) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.< (LEFTARG = float8, RIGHTARG = float8, FUNCTION = evil.f8_lt);
CREATE OPERATOR evil.>= (LEFTARG = float8, RIGHTARG = float8, FUNCTION = evil.f8_lt);
CREATE FUNCTION evil.int8_pl(bigint, bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE OPERATOR evil.+ (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8_pl);
CREATE FUNCTION evil.zero(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE AGGREGATE evil.count(*) (SFUNC = evil.zero, STYPE = bigint, INITCOND = '7');
CREATE FUNCTION evil.zero2(bigint, bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint';
CREATE AGGREGATE evil.sum(bigint) (SFUNC = evil.zero2, STYPE = bigint, INITCOND = '7');
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '2000-01-01'::timestamptz$$;
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS 'SELECT NULL WHERE false';
CREATE FUNCTION evil.array_position(anycompatiblearray, anycompatible) RETURNS integer
	LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION evil.date_trunc(text, timestamptz) RETURNS timestamptz
	LANGUAGE sql AS $$SELECT '2000-01-01'::timestamptz$$;

SET search_path = evil, pg_catalog, public;
-- the hostile schema really is in charge of unqualified names here
SELECT 'x' = 'x' AS text_eq, 1::bigint = 1::bigint AS int8_eq, count(*) AS count FROM (VALUES (1)) v;
SELECT play('play_hostile') AS inserted;
SELECT (labeling.refresh(2, 'weighted_vote')).run_id IS NOT NULL AS refreshed;
SELECT (labeling.set_worker_status(2, 6, 'flagged', 'look')).event_id IS NOT NULL AS flagged;
SELECT (labeling.set_worker_status(2, 6, 'active', NULL)).event_id IS NOT NULL AS cleared;
SELECT labeling.rebuild(2);
CREATE TEMP TABLE hostile_views AS
SELECT 'progress' AS view, to_jsonb(v) - 'project' - 'project_id' - 'name' AS row FROM labeling.project_progress v WHERE v.name > 'hostilf'
UNION ALL SELECT 'labels', to_jsonb(v) - 'project' - 'project_id' FROM labeling.label_distribution v WHERE v.project_id > 1
UNION ALL SELECT 'quality', to_jsonb(v) - 'project' - 'project_id' - 'last_judgment_at' FROM labeling.worker_quality v WHERE v.project_id > 1
UNION ALL SELECT 'attention', to_jsonb(v) - 'project' - 'project_id' - 'task_id' FROM labeling.tasks_needing_attention v WHERE v.project_id > 1
UNION ALL SELECT 'labels2', to_jsonb(v) - 'project' - 'project_id' - 'task_id' FROM labeling.task_labels v WHERE v.project_id > 1;
RESET search_path;

-- the two projects have the same state, events and views
SELECT count(*) AS judgments_plain FROM labeling.judgments j JOIN labeling.tasks t USING (task_id) WHERE t.project_id = 1;
SELECT count(*) AS judgments_hostile FROM labeling.judgments j JOIN labeling.tasks t USING (task_id) WHERE t.project_id = 2;
SELECT count(*) AS task_state_differences
FROM (SELECT t.external_id, s.n_judgments, s.n_counted, s.posterior::text, s.label, s.confidence, s.status, s.golden
	  FROM labeling.task_state s JOIN labeling.tasks t USING (task_id) WHERE t.project_id = 1) p
FULL JOIN (SELECT t.external_id, s.n_judgments, s.n_counted, s.posterior::text, s.label, s.confidence, s.status, s.golden
		   FROM labeling.task_state s JOIN labeling.tasks t USING (task_id) WHERE t.project_id = 2) h
  ON h.external_id = p.external_id
WHERE (p.*) IS DISTINCT FROM (h.*);
SELECT count(*) AS worker_state_differences
FROM (SELECT worker_id, n_judgments, golden_answered, golden_correct, golden_lower, skill, median_seconds,
			 agreement, status FROM labeling.worker_state WHERE project_id = 1) p
FULL JOIN (SELECT worker_id, n_judgments, golden_answered, golden_correct, golden_lower, skill, median_seconds,
				  agreement, status FROM labeling.worker_state WHERE project_id = 2) h USING (worker_id)
WHERE (p.*) IS DISTINCT FROM (h.*);
SELECT e.project_id, e.action, r.name AS rule, w.external_id, round(e.value::numeric, 4) AS value
FROM labeling.qc_events e
JOIN labeling.workers w USING (worker_id) LEFT JOIN labeling.qc_rules r USING (rule_id)
ORDER BY e.project_id, e.event_id;
SELECT count(*) AS view_rows, count(*) FILTER (WHERE p.row IS NOT DISTINCT FROM h.row) AS equal
FROM (SELECT 'progress' AS view, to_jsonb(v) - 'project' - 'project_id' - 'name' AS row FROM labeling.project_progress v WHERE v.project_id = 1
	  UNION ALL SELECT 'labels', to_jsonb(v) - 'project' - 'project_id' FROM labeling.label_distribution v WHERE v.project_id = 1
	  UNION ALL SELECT 'quality', to_jsonb(v) - 'project' - 'project_id' - 'last_judgment_at' FROM labeling.worker_quality v WHERE v.project_id = 1
	  UNION ALL SELECT 'attention', to_jsonb(v) - 'project' - 'project_id' - 'task_id' FROM labeling.tasks_needing_attention v WHERE v.project_id = 1
	  UNION ALL SELECT 'labels2', to_jsonb(v) - 'project' - 'project_id' - 'task_id' FROM labeling.task_labels v WHERE v.project_id = 1) p
FULL JOIN hostile_views h ON h.view = p.view AND h.row = p.row;
SELECT count(*) AS hostile_view_rows FROM hostile_views;
SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
RESET client_min_messages;
