-- Nothing of the extension depends on the caller's search_path.
--
-- 1. The rule, checked on the catalog: every SQL or PL/pgSQL function of the
--    extension either pins search_path = pg_catalog, pg_temp (SET clause)
--    or has a SQL-standard body (BEGIN ATOMIC / RETURN), whose names and
--    operators are bound when the extension creates it.  (C functions read
--    no names; views, CHECKs, defaults, triggers and aggregates are bound at
--    creation.)
-- 2. The attack: an unprivileged role plants, in a schema it owns, operators
--    and functions that shadow the built-ins, each of which logs its call
--    and tries to make that role a superuser when a superuser runs it.  A
--    superuser then runs the whole operation and every function of the
--    extension with that schema first on search_path: nothing planted runs.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
DROP ROLE IF EXISTS regress_mallory;
RESET client_min_messages;

-- 1. the rule
SELECT p.oid::regprocedure AS breaks_the_rule
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'labeling'
JOIN pg_language l ON l.oid = p.prolang
WHERE l.lanname IN ('sql', 'plpgsql')
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
  AND p.prosqlbody IS NULL
ORDER BY 1;
SELECT l.lanname,
	   count(*) FILTER (WHERE 'search_path=pg_catalog, pg_temp' = ANY (p.proconfig)) > 0 AS some_pinned,
	   count(*) FILTER (WHERE p.prosqlbody IS NOT NULL) > 0 AS some_sql_standard
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'labeling'
JOIN pg_language l ON l.oid = p.prolang
GROUP BY l.lanname ORDER BY 1;

-- 2. the attacker's schema
CREATE ROLE regress_mallory;
CREATE SCHEMA evil AUTHORIZATION regress_mallory;
SET ROLE regress_mallory;
CREATE TABLE evil.calls (what text);
GRANT INSERT ON evil.calls TO PUBLIC;
GRANT USAGE ON SCHEMA evil TO PUBLIC;
-- Logs a call made from inside a function (the test's own top-level
-- statements also run under the hostile path: those calls are not the
-- extension's); run by a superuser, makes mallory one.
CREATE FUNCTION evil.tripwire(what text) RETURNS void
	LANGUAGE plpgsql SET search_path = pg_catalog
	AS $$
DECLARE
	ctx text;
BEGIN
	GET DIAGNOSTICS ctx = PG_CONTEXT;
	IF NOT EXISTS (SELECT 1 FROM regexp_split_to_table(ctx, E'\n') AS l(line)
				   WHERE l.line ~ '^(PL/pgSQL function|SQL function)' AND l.line !~ 'evil\.') THEN
		RETURN;
	END IF;
	INSERT INTO evil.calls VALUES (what || ' in ' || ctx);
	IF (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
		EXECUTE 'ALTER ROLE regress_mallory SUPERUSER';
	END IF;
END $$;
-- every built-in binary operator of these types, shadowed
DO $$
DECLARE
	o record;
	n int := 0;
BEGIN
	FOR o IN
		SELECT op.oprname, op.oprleft::regtype AS l, op.oprright::regtype AS r, op.oprresult::regtype AS res
		FROM pg_catalog.pg_operator op
		WHERE op.oprnamespace = 'pg_catalog'::regnamespace AND op.oprkind = 'b'
		  AND op.oprleft = op.oprright
		  AND op.oprleft = ANY ('{text,bigint,integer,smallint,double precision,numeric,name,"char",boolean,timestamptz,interval,jsonb,oid}'::regtype[])
		  AND op.oprname IN ('=', '<>', '<', '>', '<=', '>=', '+', '-', '*', '/', '||', '~~', '@>', '<@', '?')
	LOOP
		n := n + 1;
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION evil.op%s(a %s, b %s) RETURNS %s LANGUAGE plpgsql SET search_path = pg_catalog AS '
			'$f$BEGIN PERFORM evil.tripwire(%L); RETURN a OPERATOR(pg_catalog.%s) b; END$f$',
			n, o.l, o.r, o.res, 'operator ' || o.oprname || ' ' || o.l, o.oprname);
		EXECUTE pg_catalog.format('CREATE OPERATOR evil.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = evil.op%s)',
								  o.oprname, o.l, o.r, n);
	END LOOP;
END
$$;
-- built-in functions by name (those a plpgsql function can stand in for)
DO $$
DECLARE
	f record;
	n int := 0;
BEGIN
	FOR f IN
		SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
			   pg_catalog.pg_get_function_result(p.oid) AS res, p.pronargs, p.proretset
		FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f'
		  AND p.proname IN ('now', 'clock_timestamp', 'current_setting', 'array_position', 'cardinality',
							'unnest', 'array_length', 'upper', 'lower', 'round', 'date_part', 'date_trunc',
							'random', 'gen_random_uuid', 'pg_has_role', 'quote_literal', 'array_to_string',
							'hashint8', 'pg_notify', 'set_config', 'array_remove', 'abs', 'ln', 'exp',
							'sqrt', 'floor', 'jsonb_object_keys', 'to_jsonb', 'array_fill', 'timezone',
							'make_interval', 'octet_length', 'length', 'left', 'substr', 'replace', 'md5')
		  AND NOT EXISTS (SELECT 1 FROM unnest(p.proargtypes) t
						  WHERE t IN ('"any"'::regtype, 'internal'::regtype, 'anyrange'::regtype,
									  'anymultirange'::regtype, 'cstring'::regtype))
		  AND p.provariadic = 0 AND p.pronargs <= 4
	LOOP
		n := n + 1;
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION evil.%I(%s) RETURNS %s LANGUAGE plpgsql SET search_path = pg_catalog AS '
			'$f$BEGIN PERFORM evil.tripwire(%L); %s pg_catalog.%I(%s); END$f$',
			f.proname, f.args, f.res, 'function ' || f.proname,
			CASE WHEN f.proretset THEN 'RETURN QUERY SELECT * FROM' WHEN f.res = 'void' THEN 'PERFORM'
				 ELSE 'RETURN' END,
			f.proname, (SELECT coalesce(string_agg('$' || i, ', '), '') FROM generate_series(1, f.pronargs) i));
	END LOOP;
END
$$;
CREATE FUNCTION evil.count_sfunc(bigint) RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog
	AS $$BEGIN PERFORM evil.tripwire('aggregate count'); RETURN $1 + 1; END$$;
CREATE AGGREGATE evil.count(*) (SFUNC = evil.count_sfunc, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION evil.sum_sfunc(numeric, bigint) RETURNS numeric LANGUAGE plpgsql SET search_path = pg_catalog
	AS $$BEGIN PERFORM evil.tripwire('aggregate sum'); RETURN coalesce($1, 0) + $2; END$$;
CREATE AGGREGATE evil.sum(bigint) (SFUNC = evil.sum_sfunc, STYPE = numeric);
RESET ROLE;
SELECT count(*) > 100 AS many_operators_planted FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace;
SELECT count(*) > 40 AS many_functions_planted FROM pg_proc WHERE pronamespace = 'evil'::regnamespace;

-- Runs a query under the hostile path from inside a function, so that the
-- tripwire sees it (its text is qualified: nothing in it is shadowed); the
-- first column of the first row, as text.
CREATE FUNCTION public.as_hostile(q text) RETURNS text LANGUAGE plpgsql
	SET search_path = evil, pg_catalog, labeling, public
	AS $$
DECLARE
	r text;
BEGIN
	EXECUTE q INTO r;
	RETURN r;
END $$;

-- the tripwire works: a plpgsql function that neither pins search_path nor
-- binds its names, and a SQL function with a string body (inlined into the
-- caller's query), run under the hostile path, run the planted objects
CREATE FUNCTION public.unsafe_plpgsql() RETURNS boolean LANGUAGE plpgsql
	AS $$ BEGIN RETURN 'x' = 'x'; END $$;
CREATE FUNCTION public.unsafe_sql(a bigint) RETURNS boolean LANGUAGE sql STABLE
	AS $$ SELECT a IN (SELECT 1::bigint) $$;
SET search_path = evil, pg_catalog, labeling, public;
SELECT public.unsafe_plpgsql() AS probe_ran;
RESET search_path;
SELECT public.as_hostile($$SELECT public.unsafe_sql(1)$$) AS probe_ran;
SELECT count(*) AS calls_seen, (SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_mallory') AS mallory_superuser
FROM evil.calls;
DROP FUNCTION public.unsafe_plpgsql(), public.unsafe_sql(bigint);
ALTER ROLE regress_mallory NOSUPERUSER;
TRUNCATE evil.calls;

-- the whole operation under the hostile path, as a superuser: the writes
-- (their triggers run the live pipeline) at top level, the functions a user
-- calls through as_hostile()
SET search_path = evil, pg_catalog, labeling, public;
CREATE ROLE regress_mallory_worker IN ROLE labeling_worker;
INSERT INTO labeling.projects (name, labels, guidelines, min_overlap, max_overlap, target_confidence,
							   golden_rate, price_per_judgment, min_hourly_pay)
VALUES ('pets', '{cat,dog,fox}', 'Cat, dog or fox?', 2, 4, 0.8, 0.2, 0.05, 6);
INSERT INTO labeling.projects (name, kind) VALUES ('pairs', 'side_by_side');
UPDATE labeling.projects SET guidelines = 'Cat, dog or fox? Wolves are dogs.' WHERE name = 'pets';
INSERT INTO labeling.workers (external_id, kind, login_role)
VALUES ('w1', 'human', 'regress_mallory_worker'), ('w2', 'human', NULL), ('w3', 'human', NULL),
	   ('w4', 'human', NULL), ('x1', 'expert', NULL), ('m1', 'model', NULL);
INSERT INTO labeling.tasks (project_id, external_id)
SELECT 1, 't' || i FROM generate_series(1, 30) i;
INSERT INTO labeling.tasks (project_id, external_id) VALUES (2, 'a'), (2, 'b'), (2, 'c');
INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (1, 'cat', 5), (2, 'dog', 5), (3, 'fox', 5);
INSERT INTO labeling.qc_rules (name, metric, threshold, min_count, action) VALUES
	('bound', 'golden_lower_bound', 0.2, 2, 'ban'), ('speed', 'median_seconds', 1, 3, 'flag'),
	('agree', 'agreement', 0.3, 3, 'flag');
INSERT INTO labeling.bonus_rules (name, metric, threshold, min_count, amount)
VALUES ('busy', 'judgments', 3, 1, 0.01);
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent, score)
SELECT t, w, (ARRAY['cat', 'dog', 'fox'])[1 + (t * w) % 3], make_interval(secs => 2 + t % 5),
	   CASE WHEN w = 6 THEN 0.7 END
FROM generate_series(1, 20) t, generate_series(2, 6) w;
UPDATE labeling.judgments SET label = 'cat' WHERE task_id = 4 AND worker_id = 2;
DELETE FROM labeling.judgments WHERE task_id = 5 AND worker_id = 3;
INSERT INTO labeling.comparisons (left_task_id, right_task_id, winner, worker_id)
VALUES (31, 32, 'left', 2), (32, 33, 'tie', 3), (31, 33, 'right', 4);
UPDATE labeling.workers SET status = 'banned' WHERE external_id = 'w3';
UPDATE labeling.workers SET status = 'active' WHERE external_id = 'w3';
UPDATE labeling.tasks SET status = 'closed' WHERE task_id = 30;
UPDATE labeling.tasks SET priority = 5 WHERE task_id = 29;
RESET search_path;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM labeling.refresh_methods() m, LATERAL labeling.refresh(1, m) r$$) AS refreshed;
SELECT public.as_hostile($$SELECT labeling.rebuild(1)$$) AS rebuilt;
SELECT public.as_hostile($$SELECT (labeling.set_worker_status(1, 4, 'flagged', 'look')).action$$) AS action;
SELECT public.as_hostile($$SELECT (labeling.set_worker_status(1, 4, 'active', NULL)).action$$) AS action;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM labeling.next_tasks(1, 1, 3)$$) AS handed_out;
SELECT public.as_hostile($$SELECT pg_catalog.count(s) FROM labeling.assignments a,
	LATERAL labeling.submit(a.assignment_id, 'cat', '3 seconds') s
	WHERE a.worker_id OPERATOR(pg_catalog.=) 1 AND a.state OPERATOR(pg_catalog.=) 'issued'$$) AS submitted;
SET ROLE regress_mallory_worker;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM labeling.next_tasks(1, 1, 2)$$) AS handed_out_to_a_worker;
RESET ROLE;
SELECT public.as_hostile($$SELECT labeling.reclaim_expired()$$) AS reclaimed;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM labeling.latest_judgments(1)$$) AS latest;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM labeling.latest_judgments()$$) AS latest_all;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>=) 10 FROM labeling.pairwise_kappa(2, 1)$$) AS kappas;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM labeling.worker_agreement(1)$$) AS agreements;
SELECT public.as_hostile($$SELECT labeling.truth_diagnostics(labeling.fit_truth_model('dawid_skene', 1)) IS NOT NULL$$) AS fitted;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 20 FROM labeling.infer_labels('one_coin', 1, true)$$) AS inferred;
SELECT public.as_hostile($$SELECT pg_catalog.count(*) FROM (SELECT labeling.vote_dist(j.label) AS d FROM labeling.judgments j) s,
	LATERAL labeling.label_probabilities(s.d)$$) AS label_rows;
SELECT public.as_hostile($$SELECT labeling.accuracy_bound(0.025, 3, 4, 2, 1) IS NOT NULL$$) AS bound;
SELECT public.as_hostile($$SELECT labeling.majority_vote(j.label) IS NOT NULL
	AND labeling.krippendorff_alpha(j.task_id, j.worker_id, j.label) IS NOT NULL FROM labeling.judgments j$$) AS aggregated;
-- every view of the schema
DO $$
DECLARE
	v regclass;
BEGIN
	FOR v IN SELECT c.oid FROM pg_catalog.pg_class c
			 WHERE c.relnamespace OPERATOR(pg_catalog.=) 'labeling'::pg_catalog.regnamespace
			   AND c.relkind OPERATOR(pg_catalog.=) 'v' LOOP
		PERFORM public.as_hostile(pg_catalog.format('SELECT pg_catalog.count(*) FROM %s', v));
	END LOOP;
END
$$;
-- every function of the extension, with NULL arguments (errors are expected and ignored:
-- what matters is that no planted object runs on the way)
DO $$
DECLARE
	f record;
BEGIN
	FOR f IN
		SELECT p.oid::regprocedure AS fn,
			   (SELECT coalesce(pg_catalog.string_agg(pg_catalog.format('NULL::%s', t::regtype), ', ' ORDER BY i), '')
				FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY AS a(t, i)) AS args
		FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid OPERATOR(pg_catalog.=) 'pg_proc'::regclass
		 AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e'
		JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid
		 AND e.extname OPERATOR(pg_catalog.=) 'labeling'
		WHERE p.prokind OPERATOR(pg_catalog.=) 'f'
		  AND p.prorettype OPERATOR(pg_catalog.<>) 'trigger'::regtype
		  AND NOT ('internal'::regtype OPERATOR(pg_catalog.=) ANY (p.proargtypes))
		  AND NOT ('cstring'::regtype OPERATOR(pg_catalog.=) ANY (p.proargtypes))
		ORDER BY 1
	LOOP
		BEGIN
			PERFORM public.as_hostile(pg_catalog.format('SELECT %s(%s)::text', f.fn::oid::regproc, f.args));
		EXCEPTION WHEN OTHERS THEN
			NULL;
		END;
	END LOOP;
END
$$;

-- nothing planted ran, and mallory is no superuser
SELECT count(*) AS planted_calls FROM evil.calls;
SELECT what FROM evil.calls ORDER BY 1 LIMIT 5;
SELECT rolsuper AS mallory_superuser FROM pg_roles WHERE rolname = 'regress_mallory';
-- and the operation did run
SELECT count(*) > 90 AS judgments, (SELECT count(*) FROM labeling.refresh_runs) AS refresh_runs
FROM labeling.judgments;

SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;
DROP EXTENSION labeling CASCADE;
DROP FUNCTION public.as_hostile(text);
DROP ROLE regress_mallory, regress_mallory_worker;
CREATE EXTENSION labeling;
RESET client_min_messages;
