# Real logins against next_tasks()/submit() and row-level security, and the
# life of the cluster-wide roles next to per-database extensions:
#   * a worker logs in as itself and acts only for its own workers row; an
#     application login (NOINHERIT) acts only through SET ROLE, one worker
#     per role, and never as a worker it is not a member of;
#   * CREATE EXTENSION in a second database reuses the group roles; DROP
#     EXTENSION in one database leaves the roles and the other database's
#     grants alone; CREATE EXTENSION again after DROP works;
#   * pg_dump / pg_restore keeps the login mapping, and the restored
#     database serves the same worker logins;
#   * once no database has the extension (nor its schema, which DROP
#     EXTENSION leaves), the group roles hold no privilege and can be dropped.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('logins');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\n");
$node->start;

# psql as a given login; returns (exit status, stdout, stderr)
sub as_login
{
	my ($db, $user, $sql) = @_;
	my ($stdout, $stderr);
	my $ret = $node->psql($db, $sql,
		stdout => \$stdout, stderr => \$stderr,
		extra_params => [ '-U', $user, '-v', 'VERBOSITY=terse' ]);
	return ($ret, $stdout, $stderr);
}

$node->safe_psql('postgres', 'CREATE DATABASE one');
$node->safe_psql('postgres', 'CREATE DATABASE two');
$node->safe_psql('one', 'CREATE EXTENSION labeling');
is($node->safe_psql('postgres', q{SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles
	WHERE rolname LIKE 'labeling\_%' AND NOT rolcanlogin}),
	'labeling_admin,labeling_analyst,labeling_worker', 'CREATE EXTENSION created three NOLOGIN group roles');
$node->safe_psql('two', 'CREATE EXTENSION labeling');
pass('CREATE EXTENSION in a second database reuses them');

my $setup = q{
	INSERT INTO labeling.projects (name, labels, min_overlap, max_overlap, golden_rate)
	VALUES ('p', '{yes,no}', 1, 2, 0);
	INSERT INTO labeling.workers (external_id, login_role) VALUES ('ann', 'ann'), ('ben', 'ben');
	INSERT INTO labeling.tasks (project_id, payload)
	SELECT 1, jsonb_build_object('n', i) FROM generate_series(1, 4) i;
};
$node->safe_psql('postgres', q{
	CREATE ROLE ann LOGIN IN ROLE labeling_worker;
	CREATE ROLE ben LOGIN IN ROLE labeling_worker;
	CREATE ROLE app LOGIN NOINHERIT IN ROLE ann;
	CREATE ROLE boss LOGIN IN ROLE labeling_admin;
});
$node->safe_psql('one', $setup);
$node->safe_psql('two', $setup);

# a worker logged in as itself
my ($ret, $out, $err) = as_login('one', 'ann', q{SELECT count(*) FROM labeling.next_tasks(1, 1, 2)});
is($out, '2', 'ann gets two tasks for herself');
($ret, $out, $err) = as_login('one', 'ann', q{SELECT count(*) FROM labeling.next_tasks(2, 1, 1)});
like($err, qr/role ann cannot act for worker 2/, 'ann cannot fetch for ben');
($ret, $out, $err) = as_login('one', 'ann',
	q{SELECT labeling.submit(min(assignment_id), 'yes') > 0 FROM labeling.my_assignments});
is($out, 't', 'ann submits her own assignment');
($ret, $out, $err) = as_login('one', 'ben', q{SELECT count(*) FROM labeling.next_tasks(2, 1, 1)});
($ret, $out, $err) = as_login('one', 'ann', q{
	SELECT labeling.submit(a.assignment_id, 'no') FROM labeling.assignments a WHERE a.worker_id = 2});
is($out, '', 'ann sees none of ben\'s assignments through row-level security');
my $ben_assignment = $node->safe_psql('one', q{SELECT max(assignment_id) FROM labeling.assignments WHERE worker_id = 2});
($ret, $out, $err) = as_login('one', 'ann', "SELECT labeling.submit($ben_assignment, 'no')");
like($err, qr/assignment $ben_assignment is not one of your assignments/, 'ann cannot submit ben\'s assignment');
unlike($err, qr/worker|ben/, 'and is not told who holds it');
($ret, $out, $err) = as_login('one', 'ann', "SELECT labeling.submit(987654, 'no')");
like($err, qr/assignment 987654 is not one of your assignments/,
	'an assignment that does not exist gets the same refusal');


($ret, $out, $err) = as_login('one', 'ann', q{SELECT count(*) FROM labeling.judgments});
like($err, qr/permission denied for table judgments/, 'ann cannot read judgments');
($ret, $out, $err) = as_login('one', 'ann', q{SELECT count(*) FROM labeling.task_state});
like($err, qr/permission denied for table task_state/, 'ann cannot read posteriors');
($ret, $out, $err) = as_login('one', 'ann', q{SET ROLE ben});
like($err, qr/permission denied to set role "ben"/, 'ann cannot become ben');
($ret, $out, $err) = as_login('one', 'ann', q{SELECT count(*) FROM labeling.my_assignments});
is($out, '2', 'ann reads her two assignments');

# the application login acts through SET ROLE only
($ret, $out, $err) = as_login('one', 'app', q{SELECT count(*) FROM labeling.next_tasks(1, 1, 1)});
like($err, qr/permission denied for schema labeling/, 'app cannot call next_tasks as itself');
($ret, $out, $err) = as_login('one', 'app',
	q{SET ROLE ann; SELECT count(*) FROM labeling.next_tasks(1, 1, 1)});
is($out, '1', 'app acts for ann after SET ROLE ann');
($ret, $out, $err) = as_login('one', 'app',
	q{SET ROLE ann; SELECT count(*) FROM labeling.next_tasks(2, 1, 1)});
like($err, qr/role ann cannot act for worker 2/, 'app as ann cannot act for ben');
($ret, $out, $err) = as_login('one', 'app', q{SET ROLE ben});
like($err, qr/permission denied to set role "ben"/, 'app cannot become a worker it is not a member of');

# (in the second database) the triggers' refusals reach a worker worded by the assignment,
# without task or worker ids:
# an admin gives a judgment for ann on the task she holds
($ret, $out, $err) = as_login('two', 'ann', q{SELECT count(*) FROM labeling.next_tasks(1, 1, 1)});
my ($closed_a, $closed_t) = split /\|/, $node->safe_psql('two', q{
	SELECT assignment_id, task_id FROM labeling.assignments WHERE worker_id = 1 AND state = 'issued'
	ORDER BY assignment_id DESC LIMIT 1});
$node->safe_psql('two', qq{
	INSERT INTO labeling.judgments (task_id, worker_id, label) VALUES ($closed_t, 1, 'yes')});
($ret, $out, $err) = as_login('two', 'ann', "SELECT labeling.submit($closed_a, 'no')");
like($err, qr/assignment $closed_a cannot be submitted: you already answered its task/,
	'a repeated answer is refused by the assignment');
unlike($err, qr/task $closed_t|worker 1/, 'the refusal names no task and no worker');
($ret, $out, $err) = $node->psql('two', "SELECT labeling.submit($closed_a, 'no')");
like($err, qr/worker 1 \('ann'\) judged task $closed_t\b.* more than once/, 'an admin gets the trigger\'s own words');

# an admin login acts for anyone; workers cannot change the mapping
($ret, $out, $err) = as_login('one', 'boss', q{SELECT count(*) FROM labeling.next_tasks(2, 1, 1)});
is($out, '1', 'an admin acts for ben');
($ret, $out, $err) = as_login('one', 'ann', q{UPDATE labeling.workers SET login_role = 'ann' WHERE worker_id = 2});
like($err, qr/permission denied for table workers/, 'a worker cannot remap a login');

# DROP EXTENSION in one database leaves the roles and the other database
$node->safe_psql('one', 'DROP EXTENSION labeling CASCADE');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_roles WHERE rolname LIKE 'labeling\_%'}),
	'3', 'DROP EXTENSION leaves the group roles');
($ret, $out, $err) = as_login('two', 'ann', q{SELECT count(*) FROM labeling.next_tasks(1, 1, 1)});
is($out, '1', 'the other database still serves ann');
$node->safe_psql('one', 'CREATE EXTENSION labeling');
$node->safe_psql('one', $setup);
($ret, $out, $err) = as_login('one', 'ann', q{SELECT count(*) FROM labeling.next_tasks(1, 1, 1)});
is($out, '1', 'CREATE EXTENSION after DROP EXTENSION works with the existing roles');

# dump and restore keep the mapping; the restored database serves ann
my $dump = "$PostgreSQL::Test::Utils::tmp_check/two.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('two'), '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE three');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('three'), $dump ], 'pg_restore');
($ret, $out, $err) = as_login('three', 'ann', q{SELECT count(*) FROM labeling.my_assignments});
is($out, $node->safe_psql('two', q{SELECT count(*) FROM labeling.assignments WHERE worker_id = 1}),
	'the restored database shows ann her assignments');
($ret, $out, $err) = as_login('three', 'ann', q{SELECT count(*) FROM labeling.next_tasks(1, 1, 1)});
is($out, '1', 'and hands her more work');
($ret, $out, $err) = as_login('three', 'ann', q{SELECT count(*) FROM labeling.judgments});
like($err, qr/permission denied for table judgments/, 'with the same privileges');
is($node->safe_psql('three', q{SELECT count(*) FROM pg_policies WHERE schemaname = 'labeling'}),
	'6', 'and the same row-level security policies');

# DROP EXTENSION leaves the schema labeling (empty; PostgreSQL creates an
# extension's fixed schema outside the extension) and the USAGE grants on
# it; with the schema gone too, the group roles hold nothing
$node->safe_psql($_, 'DROP EXTENSION labeling CASCADE') for qw(one two three);
is($node->safe_psql('one', q{SELECT count(*) FROM pg_class WHERE relnamespace = 'labeling'::regnamespace}),
	'0', 'DROP EXTENSION leaves an empty schema');
$node->command_fails([ 'psql', '-X', '-d', $node->connstr('postgres'), '-c', 'DROP ROLE labeling_worker' ],
	'while it exists, its USAGE grant keeps labeling_worker');
$node->safe_psql($_, 'DROP SCHEMA labeling') for qw(one two three);
$node->safe_psql('postgres', 'DROP ROLE app, ann, ben, boss');
$node->safe_psql('postgres', 'DROP ROLE labeling_admin, labeling_analyst, labeling_worker');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_roles WHERE rolname LIKE 'labeling\_%'}),
	'0', 'the group roles can be dropped once no database uses the extension');


$node->stop;
done_testing();
