# pg_dump / pg_restore of a database using the extension keeps every row of
# the extension's tables (registered with pg_extension_config_dump) and the
# state of their sequences.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE src');
$node->safe_psql('src', 'CREATE EXTENSION labeling');
$node->safe_psql('src', q{
	INSERT INTO labeling.projects (name, labels) VALUES ('pets', '{cat,dog}'), ('spam', '{yes,no}');
	INSERT INTO labeling.workers (external_id, kind, model_version)
		VALUES ('alice', 'human', NULL), ('bob', 'expert', NULL), ('gpt', 'model', 'v1');
	INSERT INTO labeling.tasks (project_id, external_id, payload)
		SELECT 1, 'img' || i, jsonb_build_object('url', 'http://x/' || i) FROM generate_series(1, 50) i;
	INSERT INTO labeling.golden_labels (task_id, label, expert_id) VALUES (1, 'cat', 2), (2, 'dog', 2);
	INSERT INTO labeling.judgments (task_id, worker_id, label, time_spent)
		SELECT t, w, CASE WHEN (t + w) % 3 = 0 THEN 'dog' ELSE 'cat' END, make_interval(secs => t + w)
		FROM generate_series(1, 50) t, generate_series(1, 3) w;
	CREATE TABLE public.my_results AS
		SELECT task_id, labeling.vote_dist(label) AS d FROM labeling.judgments GROUP BY task_id;
});

my $dump = "$PostgreSQL::Test::Utils::tmp_check/src.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('src'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ], 'pg_restore');

for my $t (qw(labeling.projects labeling.workers labeling.tasks labeling.golden_labels
	labeling.judgments public.my_results))
{
	my $q = "SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') FROM $t r";
	my $a = $node->safe_psql('src', $q);
	my $b = $node->safe_psql('dst', $q);
	is($b, $a, "$t restored identically");
	like($a, qr/^[1-9]/, "$t is not empty");
}

# sequences continue after the restored keys
for my $s (qw(projects workers tasks judgments))
{
	my $q = "SELECT last_value FROM labeling.${s}_" . ($s eq 'judgments' ? 'judgment' : substr($s, 0, -1)) . "_id_seq";
	is($node->safe_psql('dst', $q), $node->safe_psql('src', $q), "sequence of $s restored");
}
$node->safe_psql('dst', q{INSERT INTO labeling.workers (external_id) VALUES ('carol')});
is($node->safe_psql('dst', q{SELECT worker_id FROM labeling.workers WHERE external_id = 'carol'}),
	'4', 'new rows get fresh keys after the restore');

$node->stop;
done_testing();
