-- vote_dist and majority_vote: NULLs, empty groups, ties, weights, bad weights
SET extra_float_digits = 0;

CREATE TABLE votes (task int, worker int, label text, weight float8);
INSERT INTO votes VALUES
	(1, 1, 'cat', 1), (1, 2, 'cat', 1), (1, 3, 'dog', 1),     -- clear majority
	(2, 1, 'cat', 1), (2, 2, 'dog', 1),                        -- tie: cat < dog
	(3, 1, 'dog', 0.2), (3, 2, 'dog', 0.2), (3, 3, 'cat', 1),  -- weights overturn the count
	(4, 1, NULL, 1), (4, 2, 'bird', 1),                        -- NULL label skipped
	(5, 1, NULL, 1),                                           -- only NULL labels
	(6, 1, 'dog', NULL), (6, 2, 'cat', 1), (6, 3, 'dog', 1),   -- NULL weight skipped (weighted form)
	(7, 1, 'cat', 0), (7, 2, 'dog', 0),                        -- only zero weights
	(8, 1, 'B', 1), (8, 2, 'a', 1),                            -- tie in byte order: 'B' < 'a'
	(9, 1, '10', 1), (9, 2, '9', 1),                           -- tie: '10' < '9' (strings)
	(10, 1, 'x', 0), (10, 2, 'y', 2);                          -- zero-weight label kept at 0

SELECT task, labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS shares
FROM votes GROUP BY task ORDER BY task;

SELECT task, labeling.majority_vote(label, weight) AS weighted_mv,
	   labeling.vote_dist(label, weight) AS weighted_shares
FROM votes GROUP BY task ORDER BY task;

-- no rows at all -> NULL (not an empty distribution)
SELECT labeling.majority_vote(label) AS mv, labeling.vote_dist(label) AS shares,
	   labeling.majority_vote(label, weight) AS wmv, labeling.vote_dist(label, weight) AS wshares
FROM votes WHERE false;
-- an empty group never appears, as with any aggregate
SELECT task, labeling.majority_vote(label) FROM votes WHERE task > 100 GROUP BY task;

-- ties do not depend on input order
SELECT labeling.majority_vote(label ORDER BY label DESC) AS desc_order,
	   labeling.majority_vote(label ORDER BY label) AS asc_order
FROM (VALUES ('dog'), ('cat'), ('cow'), ('dog'), ('cat'), ('cow')) v(label);

-- the collation of the column does not matter: byte order decides
SELECT labeling.majority_vote(label COLLATE "C"), labeling.majority_vote(label)
FROM (VALUES ('b'), ('B')) v(label);

-- labels are text: '1' and '1.0' are different labels
SELECT labeling.vote_dist(label) FROM (VALUES ('1'), ('1.0'), ('1')) v(label);

-- many distinct labels in one group (the tally switches to a hash index)
SELECT labeling.label_count(labeling.vote_dist('l' || (i % 500))),
	   labeling.majority_vote('l' || (i % 500)),
	   labeling.confidence(labeling.vote_dist('l' || (i % 500)))
FROM generate_series(0, 5000) i;
-- and it agrees with mode() on a skewed distribution
SELECT labeling.majority_vote(l) = mode() WITHIN GROUP (ORDER BY l) AS agrees
FROM (SELECT 'l' || (i * i % 997) AS l FROM generate_series(1, 20000) i) s;

-- bad weights: clear errors, nothing is returned
SELECT labeling.vote_dist(label, w) FROM (VALUES ('a', 1.0), ('b', -1.0)) v(label, w);
SELECT labeling.majority_vote(label, w) FROM (VALUES ('a', 'NaN'::float8)) v(label, w);
SELECT labeling.majority_vote(label, w) FROM (VALUES ('a', 'Infinity'::float8)) v(label, w);
SELECT labeling.vote_dist(label, w) FROM (VALUES ('a', '-Infinity'::float8)) v(label, w);
-- a bad weight is an error even when the label is NULL
SELECT labeling.vote_dist(label, w) FROM (VALUES (NULL, -1.0)) v(label, w);

-- the aggregates also work as window functions
SELECT task, worker, label,
	   labeling.majority_vote(label) OVER (PARTITION BY task ORDER BY worker) AS running_mv
FROM votes WHERE task IN (1, 2) ORDER BY task, worker;

-- the result feeds the label_dist accessors
SELECT task, labeling.top_label(d), labeling.confidence(d), labeling.label_count(d)
FROM (SELECT task, labeling.vote_dist(label) AS d FROM votes GROUP BY task) s
WHERE d IS NOT NULL ORDER BY task;

DROP TABLE votes;
