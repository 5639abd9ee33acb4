-- Quality-control rules stored as rows and applied by the triggers: a ban
-- on the lower credible bound of golden accuracy, flags on median time and
-- on leave-one-out agreement; every decision is stored with its evidence;
-- banned workers stop counting (their judgments stay) and tasks reopen.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;
SET extra_float_digits = 0;

INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, target_confidence,
							   allow_judgments_on_closed)
VALUES ('qc', '{no,yes}', 1, 3, 0.8, true), ('qc2', '{no,yes}', 1, 3, 0.8, false);
INSERT INTO labeling.workers (external_id, kind, model_version) VALUES
	('good1', 'human', NULL), ('good2', 'human', NULL), ('bad', 'human', NULL),
	('fast', 'human', NULL), ('bot', 'model', 'v3'), ('lazy', 'human', NULL);
INSERT INTO labeling.tasks (project_id, external_id)
SELECT 1, 'g' || i FROM generate_series(1, 3) i
UNION ALL SELECT 1, 't' || i FROM generate_series(1, 5) i
UNION ALL SELECT 2, 'u' || i FROM generate_series(1, 3) i;
-- golden tasks g1 (yes), g2 (no), g3 (yes) are tasks 1-3; t1..t5 are 4-8; u1..u3 are 9-11
INSERT INTO labeling.golden_labels (task_id, label) VALUES (1, 'yes'), (2, 'no'), (3, 'yes');

INSERT INTO labeling.qc_rules (project_id, name, metric, threshold, min_count, action, worker_kinds, enabled) VALUES
	(1, 'golden lower bound below 0.3 after 2', 'golden_lower_bound', 0.3, 2, 'ban', NULL, true),
	(NULL, 'humans faster than 2 s', 'median_seconds', 2, 3, 'flag', '{human}', true),
	(1, 'agreement below 0.5 after 3', 'agreement', 0.5, 3, 'flag', NULL, true),
	(1, 'never: disabled', 'golden_lower_bound', 0.99, 1, 'ban', NULL, false);

CREATE TEMP VIEW st AS
SELECT t.external_id AS task, ts.n_judgments AS n, ts.n_counted AS counted, ts.label,
	   round(ts.confidence::numeric, 4) AS confidence, ts.status
FROM labeling.task_state ts JOIN labeling.tasks t USING (task_id) ORDER BY ts.task_id;
CREATE TEMP VIEW ws AS
SELECT ws.project_id AS project, w.external_id AS worker, ws.status, ws.golden_answered AS golden,
	   ws.golden_correct AS correct, round(ws.golden_lower::numeric, 4) AS lower,
	   round(ws.skill::numeric, 4) AS skill, ws.median_seconds,
	   round(ws.agreement::numeric, 4) AS agreement, ws.agreement_judgments AS agreement_n
FROM labeling.worker_state ws JOIN labeling.workers w USING (worker_id)
ORDER BY ws.project_id, ws.worker_id;
CREATE TEMP VIEW ev AS
SELECT e.event_id, e.project_id AS project, w.external_id AS worker, e.action, r.name AS rule, e.metric,
	   round(e.value::numeric, 4) AS value, e.threshold
FROM labeling.qc_events e JOIN labeling.workers w USING (worker_id)
LEFT JOIN labeling.qc_rules r USING (rule_id)
ORDER BY e.event_id;

-- good1 passes the golden tasks: Beta(2+3, 1+0), lower bound 0.025^(1/5)
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES
	(1, 1, 'yes', '10s'), (2, 1, 'no', '12s'), (3, 1, 'yes', '9s');
-- bad and good2 both say yes on t1: odds 2 * 2, confidence 0.8, complete
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES
	(4, 3, 'yes', '8s'), (4, 2, 'yes', '7s');
SELECT * FROM st WHERE task = 't1';
-- bad misses a golden task: skill 2/4, a coin flip: t1 falls to 2/3 and reopens
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (1, 3, 'no', '8s');
SELECT * FROM st WHERE task = 't1';
-- and a second: Beta(2, 3) has lower bound 0.0676 < 0.3 after 2 answers: banned
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (2, 3, 'yes', '8s');
SELECT * FROM ev;
SELECT * FROM ws WHERE worker = 'bad';
-- the evidence: the golden record and the wrong answers, newest first
SELECT evidence - 'skill' - 'golden_lower' - 'golden_upper' AS evidence,
	   abs((evidence->>'golden_lower')::float8 - labeling.beta_quantile(0.025, 2, 3)) < 1e-12 AS bound_ok
FROM labeling.qc_events WHERE action = 'ban';
-- bad's judgments stay stored but no longer count: t1 has one counted vote
SELECT * FROM st WHERE task = 't1';
SELECT count(*) AS bad_judgments_stored FROM labeling.judgments WHERE worker_id = 3;

-- fast answers in 1 s: flagged after 3 timed judgments (a rule of every
-- project, for humans); bot is as fast but it is a model
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES
	(5, 1, 'yes', '11s'), (6, 1, 'yes', '12s'), (7, 1, 'yes', '10s');
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (5, 4, 'yes', '1s'), (6, 4, 'yes', '1s');
SELECT worker, status, median_seconds FROM ws WHERE worker = 'fast';
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (7, 4, 'yes', '1s');
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent, score) VALUES
	(5, 5, 'yes', '0.5s', 0.9), (6, 5, 'yes', '0.5s', 0.8), (7, 5, 'yes', '0.5s', 0.7);
SELECT worker, status, median_seconds FROM ws WHERE worker = 'fast' OR worker = 'bot';
-- the same rule in the other project
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES
	(9, 4, 'no', '1s'), (10, 4, 'no', '1.5s'), (11, 4, 'yes', '0.2s');
SELECT * FROM ev WHERE action = 'flag';
SELECT evidence - 'skill' AS evidence FROM labeling.qc_events WHERE action = 'flag' ORDER BY event_id;

-- lazy says no where the others say yes: without lazy's vote each task says
-- yes, so lazy agrees on none: flagged after 3
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES
	(5, 6, 'no', '20s'), (6, 6, 'no', '20s');
SELECT worker, status, agreement, agreement_n FROM ws WHERE worker = 'lazy';
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (7, 6, 'no', '20s');
SELECT worker, status, agreement, agreement_n FROM ws WHERE project = 1;
SELECT * FROM ev WHERE worker = 'lazy';
SELECT evidence - 'skill' - 'agreement_at' AS evidence FROM labeling.qc_events
WHERE metric = 'agreement';
-- the disabled rule never fired
SELECT count(*) AS disabled_rule_events FROM labeling.qc_events e JOIN labeling.qc_rules r USING (rule_id)
WHERE NOT r.enabled;

-- by hand: lifting bad's ban makes the votes count again; the rule bans
-- again at bad's next judgment
SELECT action, evidence->>'reason' AS reason, evidence->>'previous_status' AS previous
FROM labeling.set_worker_status(1, 3, 'active', 'appeal accepted');
SELECT * FROM st WHERE task = 't1';
INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent) VALUES (8, 3, 'no', '9s');
SELECT * FROM ws WHERE worker = 'bad';
SELECT * FROM st WHERE task = 't1';
-- clearing a flag; flagging and banning by hand
SELECT action FROM labeling.set_worker_status(1, 6, 'active', 'talked to them');
SELECT action FROM labeling.set_worker_status(1, 2, 'flagged', 'check later');
SELECT action FROM labeling.set_worker_status(1, 2, 'banned', 'fraud');
SELECT * FROM st WHERE task = 't1';
SELECT action FROM labeling.set_worker_status(1, 2, 'active', NULL);

-- a ban on the account (workers.status) holds in every project
UPDATE labeling.workers SET status = 'banned' WHERE external_id = 'fast';
SELECT * FROM st WHERE task IN ('t2', 'u1', 'u2', 'u3');
SELECT project_id, worker_id, status FROM labeling.worker_quality WHERE external_id = 'fast' ORDER BY 1;
UPDATE labeling.workers SET status = 'active' WHERE external_id = 'fast';
SELECT * FROM st WHERE task IN ('t2', 'u1', 'u2', 'u3');
SELECT * FROM ev WHERE project IS NULL OR rule IS NULL;

-- the state still equals a recomputation
CREATE TEMP TABLE saved_ts AS SELECT * FROM labeling.task_state;
SELECT labeling.rebuild(1), labeling.rebuild(2);
SELECT count(*) AS task_rows_differing FROM (
	(SELECT * FROM saved_ts EXCEPT SELECT * FROM labeling.task_state)
	UNION ALL (SELECT * FROM labeling.task_state EXCEPT SELECT * FROM saved_ts)) d;
SELECT * FROM ws;
