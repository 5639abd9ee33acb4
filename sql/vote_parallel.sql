-- Forced-parallel plans give the same results as serial ones, and really are
-- parallel (the plan has a Partial Aggregate), for every vote aggregate.
SET extra_float_digits = 0;
SET search_path = public, labeling;

CREATE TABLE par_votes AS
SELECT i % 1000 AS task,
	   (ARRAY['a', 'b', 'c', 'd'])[1 + (i * 7919 % 13) % 4] AS label,
	   ((i / 1000) % 8 / 4.0)::float8 AS weight
FROM generate_series(1, 200000) i;
ANALYZE par_votes;

-- does EXPLAIN of a query show a Partial Aggregate under a Gather?
CREATE FUNCTION plan_is_parallel(q text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	line text;
	partial boolean := false;
	gather boolean := false;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		partial := partial OR line LIKE '%Partial%Aggregate%';
		gather := gather OR line LIKE '%Gather%';
	END LOOP;
	RETURN partial AND gather;
END
$$;

CREATE TEMP TABLE serial_result AS
SELECT task, labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS vd,
	   labeling.majority_vote(label, weight) AS wmv, labeling.vote_dist(label, weight) AS wvd
FROM par_votes GROUP BY task;
CREATE TEMP TABLE serial_total AS
SELECT labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS vd,
	   labeling.vote_dist(label, weight) AS wvd
FROM par_votes;
-- 300 distinct labels in one state: the partial tallies carry an index
CREATE TEMP TABLE serial_many AS
SELECT labeling.majority_vote(label || (task % 300)) AS mv,
	   labeling.vote_dist(label || (task % 300)) AS vd,
	   labeling.vote_dist(label || (task % 300), weight) AS wvd
FROM par_votes;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

-- grouped, through hash and sort-based partial aggregation
SELECT plan_is_parallel($$
	SELECT task, labeling.majority_vote(label), labeling.vote_dist(label),
		   labeling.majority_vote(label, weight), labeling.vote_dist(label, weight)
	FROM par_votes GROUP BY task$$) AS grouped_is_parallel;
CREATE TEMP TABLE parallel_result AS
SELECT task, labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS vd,
	   labeling.majority_vote(label, weight) AS wmv, labeling.vote_dist(label, weight) AS wvd
FROM par_votes GROUP BY task;
SELECT count(*) AS tasks,
	   count(*) FILTER (WHERE s.mv = p.mv AND s.wmv IS NOT DISTINCT FROM p.wmv) AS same_label,
	   count(*) FILTER (WHERE s.vd = p.vd) AS same_shares,
	   count(*) FILTER (WHERE s.wvd IS NULL AND p.wvd IS NULL) AS both_no_weight,
	   count(*) FILTER (WHERE abs(labeling.probability(s.wvd, 'a') - labeling.probability(p.wvd, 'a')) < 1e-12
						  AND labeling.top_label(s.wvd) = labeling.top_label(p.wvd)) AS same_weighted_shares
FROM serial_result s JOIN parallel_result p USING (task);

SET enable_hashagg = off;
SELECT plan_is_parallel($$SELECT task, labeling.majority_vote(label) FROM par_votes GROUP BY task$$)
	AS sorted_grouped_is_parallel;
SELECT count(*) FILTER (WHERE s.mv IS DISTINCT FROM p.mv) AS differing_tasks
FROM serial_result s
JOIN (SELECT task, labeling.majority_vote(label) AS mv FROM par_votes GROUP BY task) p USING (task);
RESET enable_hashagg;

-- ungrouped
SELECT plan_is_parallel($$SELECT labeling.vote_dist(label) FROM par_votes$$) AS total_is_parallel;
SELECT s.mv = p.mv AS same_mv, s.vd = p.vd AS same_vd, p.vd,
	   abs(labeling.probability(s.wvd, 'b') - labeling.probability(p.wvd, 'b')) < 1e-12 AS same_wvd
FROM serial_total s,
	 (SELECT labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS vd,
			 labeling.vote_dist(label, weight) AS wvd FROM par_votes) p;

-- many distinct labels: partial tallies with an index serialize, deserialize and merge
SELECT plan_is_parallel($$SELECT labeling.vote_dist(label || (task % 300)) FROM par_votes$$)
	AS many_labels_is_parallel;
SELECT s.mv = p.mv AS same_mv, s.vd = p.vd AS same_vd, labeling.label_count(p.vd) AS labels,
	   abs(labeling.probability(s.wvd, 'b7') - labeling.probability(p.wvd, 'b7')) < 1e-12 AS same_wvd
FROM serial_many s,
	 (SELECT labeling.majority_vote(label || (task % 300)) AS mv,
			 labeling.vote_dist(label || (task % 300)) AS vd,
			 labeling.vote_dist(label || (task % 300), weight) AS wvd FROM par_votes) p;

-- a worker that gets no rows (empty partial state) combines cleanly
SELECT plan_is_parallel($$SELECT labeling.vote_dist(label) FROM par_votes WHERE task = 7$$) AS filtered_is_parallel;
SELECT labeling.vote_dist(label) = (SELECT vd FROM serial_result WHERE task = 7) AS same_filtered
FROM par_votes WHERE task = 7;
SELECT labeling.vote_dist(label) AS no_rows_parallel FROM par_votes WHERE task = -1;

RESET ALL;
DROP FUNCTION plan_is_parallel(text);
DROP TABLE par_votes;
