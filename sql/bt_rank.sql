-- bt_rank: side-by-side ranking (Bradley-Terry-Davidson) on small cases
-- whose answers are known, NULLs, bad input, bigint and text keys.
SET extra_float_digits = 0;

CREATE TABLE bt_cmp (grp text, l text, r text, w text);

-- a three-item cycle: a > b, b > c, c > a, each 3 times: all scores equal
INSERT INTO bt_cmp SELECT 'cycle', l, r, l
FROM (VALUES ('a', 'b'), ('b', 'c'), ('c', 'a')) v(l, r), generate_series(1, 3);
SELECT item, round(score::numeric, 6) AS score, rank, wins, losses, ties, component,
	   round(se::numeric, 4) AS se, round(strength::numeric, 6) AS strength
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM bt_cmp WHERE grp = 'cycle'));

-- a perfect order a > b > c > d (every pair, twice): ranks follow it, scores finite
INSERT INTO bt_cmp SELECT 'order', x.i, y.i, x.i
FROM (VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)) x(i, o),
	 (VALUES ('a', 1), ('b', 2), ('c', 3), ('d', 4)) y(i, o), generate_series(1, 2)
WHERE x.o < y.o;
SELECT item, rank, wins, losses, score > lead(score) OVER (ORDER BY rank) AS above_next,
	   round(score::numeric, 4) AS score, round(lower::numeric, 4) AS lower,
	   round(upper::numeric, 4) AS upper
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM bt_cmp WHERE grp = 'order'))
ORDER BY rank;
-- symmetric: the scores of a perfect order of 4 are antisymmetric (a = -d, b = -c)
SELECT abs(sum(score)) < 1e-9 AS antisymmetric
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM bt_cmp WHERE grp = 'order'));

-- an item that never loses (x beats y and z; y and z split): finite, first,
-- and the fit converged
INSERT INTO bt_cmp VALUES ('never', 'x', 'y', 'x'), ('never', 'z', 'x', 'x'), ('never', 'x', 'y', 'x'),
	('never', 'y', 'z', 'y'), ('never', 'y', 'z', 'z');
SELECT item, rank, wins, losses, round(score::numeric, 4) AS score,
	   score < 'Infinity'::float8 AS finite_score, se > 0 AS has_se
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM bt_cmp WHERE grp = 'never'))
ORDER BY rank;
SELECT (s->>'converged')::boolean AS converged, (s->>'gradient_max')::float8 < 1e-6 AS stationary
FROM (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w)) AS s FROM bt_cmp WHERE grp = 'never') q;

-- two disconnected groups: reported as two components, ranked within each
INSERT INTO bt_cmp VALUES ('groups', 'g1a', 'g1b', 'g1a'), ('groups', 'g1b', 'g1c', 'g1b'),
	('groups', 'g1a', 'g1c', 'g1a'), ('groups', 'g2a', 'g2b', 'g2b'), ('groups', 'g2b', 'g2a', 'g2b');
SELECT item, component, rank, wins, losses, round(score::numeric, 4) AS score
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM bt_cmp WHERE grp = 'groups'))
ORDER BY component, rank;
SELECT s->'components' AS components, s->'items' AS items, s->'pairs' AS pairs
FROM (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w)) AS s FROM bt_cmp WHERE grp = 'groups') q;

-- all ties: every score 0, ties counted, the tie parameter finite
INSERT INTO bt_cmp SELECT 'ties', l, r, NULL
FROM (VALUES ('p', 'q'), ('q', 'r'), ('p', 'r')) v(l, r), generate_series(1, 4);
SELECT item, round(score::numeric, 9) AS score, rank, wins, losses, ties, comparisons
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM bt_cmp WHERE grp = 'ties'));
SELECT (s->>'tie_nu')::float8 > 0 AND (s->>'tie_nu')::float8 < 1e6 AS finite_nu,
	   round((s->>'tie_probability_equal')::numeric, 4) AS p_tie_equal, s->'ties' AS ties,
	   s->'converged' AS converged
FROM (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w)) AS s FROM bt_cmp WHERE grp = 'ties') q;

-- ties between unequal items are modelled (Davidson), not dropped
SELECT item, wins, losses, ties, round(score::numeric, 4) AS score
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	('a', 'b', 'a'), ('a', 'b', 'a'), ('a', 'b', NULL), ('b', 'c', NULL), ('b', 'c', NULL), ('b', 'c', 'b')) v(l, r, w)));

-- NULLs: a NULL item skips the row (counted in rows_skipped); a NULL winner is a tie
SELECT s->'comparisons' AS comparisons, s->'rows_skipped' AS rows_skipped, s->'ties' AS ties
FROM (SELECT labeling.bt_summary(labeling.bt_rank(l, r, w)) AS s FROM (VALUES
	('a', 'b', 'a'), (NULL, 'b', 'b'), ('a', NULL, 'a'), (NULL, NULL, NULL), ('a', 'b', NULL)) v(l, r, w)) q;
-- no rows, or only skipped rows: NULL
SELECT labeling.bt_rank(l, r, w) IS NULL AS no_rows FROM bt_cmp WHERE false;
SELECT labeling.bt_rank(l, r, w) IS NULL AS only_skipped
FROM (VALUES (NULL::text, 'b'::text, 'b'::text)) v(l, r, w);
-- grouped: one model per group
SELECT grp, (labeling.bt_summary(labeling.bt_rank(l, r, w))->>'items')::int AS items
FROM bt_cmp GROUP BY grp ORDER BY grp;

-- self-comparison: a clear error
SELECT labeling.bt_rank(l, r, w) FROM (VALUES ('a', 'b', 'a'), ('a', 'a', 'a')) v(l, r, w);
SELECT labeling.bt_rank(l, r, w) FROM (VALUES (7::bigint, 7::bigint, NULL::bigint)) v(l, r, w);
-- a winner that is neither item: a clear error
SELECT labeling.bt_rank(l, r, w) FROM (VALUES ('a', 'b', 'c')) v(l, r, w);
SELECT labeling.bt_rank(l, r, w) FROM (VALUES ('a', 'b', '=')) v(l, r, w);
SELECT labeling.bt_rank(l, r, w) FROM (VALUES (1::bigint, 2::bigint, 3::bigint)) v(l, r, w);
-- the usual fix for a tie marker: NULLIF
SELECT (labeling.bt_summary(labeling.bt_rank(l, r, NULLIF(w, '=')))->>'ties')::int AS ties
FROM (VALUES ('a', 'b', '='), ('a', 'b', 'a')) v(l, r, w);

-- bigint keys: same model as the text keys of the same comparisons, rows in numeric order
SELECT item, rank, wins, losses, round(score::numeric, 6) AS score
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	(10::bigint, 9::bigint, 10::bigint), (9, 100, 9), (100, 10, 10), (9, 10, NULL)) v(l, r, w)));
SELECT a.score = b.score AND a.se = b.se AS same_fit
FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	(10::bigint, 9::bigint, 10::bigint), (9, 100, 9), (100, 10, 10), (9, 10, NULL)) v(l, r, w))) a
JOIN labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	('10', '09', '10'), ('09', '99', '09'), ('99', '10', '10'), ('09', '10', NULL)) v(l, r, w))) b
  ON a.rank = b.rank;

-- the input order does not matter: the model is canonical (byte-identical)
SELECT (SELECT labeling.bt_rank(l, r, w ORDER BY l, r, w)::text FROM bt_cmp)
	 = (SELECT labeling.bt_rank(l, r, w ORDER BY w DESC, r DESC, l)::text FROM bt_cmp) AS order_independent;

-- text keys in byte order, whatever the collation; keys with quotes and unicode
SELECT item FROM labeling.bt_scores((SELECT labeling.bt_rank(l, r, w) FROM (VALUES
	('b', 'B', 'b'), ('a"q', 'b', 'b'), ('é', 'B', 'é'), ('10', '9', '9')) v(l, r, w)));

DROP TABLE bt_cmp;
