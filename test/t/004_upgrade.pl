# The upgrade path: a database created at the released version 0.1.0, with data, updated by
# ALTER EXTENSION labeling UPDATE, keeps every row and ends with exactly the catalog of a fresh
# install of the current version.
#
# The catalogs are compared as pg_dump --schema-only prints them.  pg_dump leaves out the
# members of an extension, so each database is first copied and, in the copy, the objects are
# detached from the extension (their pg_depend 'e' rows and their initial privileges deleted):
# then every table, column, constraint, index, function body, view, trigger, type, operator,
# aggregate, policy, comment and privilege of the extension's schemas is in the dump.  Casts,
# which belong to no schema, and the configuration tables pg_dump keeps are compared apart.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFixture qw(load_base table_checksums state_matches_rebuild);

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->append_conf('postgresql.conf', "fsync = off\n");
$node->start;

my $current = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'labeling'});
isnt($current, '0.1.0', "the current version ($current) is past the released 0.1.0");
like($node->safe_psql('postgres', q{
	SELECT string_agg(source || '>' || target, ' ') FROM pg_extension_update_paths('labeling')
	WHERE path IS NOT NULL AND source = '0.1.0'}), qr/0\.1\.0>\Q$current\E/,
	'an update path leads from 0.1.0 to the current version');

# 0.1.0 with data
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', q{CREATE EXTENSION labeling VERSION '0.1.0'});
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'labeling'}),
	'0.1.0', 'installed at 0.1.0');
load_base($node, 'old');

# the rows of every table, over the columns 0.1.0 has
my %columns = map { split /\t/ } split /\n/, $node->safe_psql('old', q{
	SELECT format('%I.%I', n.nspname, c.relname) || E'\t'
		   || string_agg(format('r.%I', a.attname), ', ' ORDER BY a.attnum)
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
	WHERE n.nspname IN ('labeling', 'public') AND c.relkind = 'r'
	GROUP BY n.nspname, c.relname});
my $before = table_checksums($node, 'old', 'labeling,public', \%columns);
cmp_ok(scalar(keys %$before), '>=', 17, 'every table of 0.1.0 summed');

$node->safe_psql('old', 'ALTER EXTENSION labeling UPDATE');
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'labeling'}),
	$current, "updated to $current");

my $after = table_checksums($node, 'old', 'labeling,public', \%columns);
for my $t (sort keys %$before)
{
	is($after->{$t}, $before->{$t}, "$t keeps every row");
}
is(state_matches_rebuild($node, 'old'), '0', 'the live state after the update equals rebuild()');

# a fresh install of the current version
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION labeling');

# the catalog of each, as pg_dump prints it once the objects are detached from the extension
sub catalog
{
	my ($db) = @_;
	$node->safe_psql('postgres', "CREATE DATABASE ${db}_copy TEMPLATE $db");
	$node->safe_psql("${db}_copy", q{
		DELETE FROM pg_init_privs i USING pg_depend d, pg_extension e
		WHERE e.extname = 'labeling' AND d.refclassid = 'pg_extension'::regclass
		  AND d.refobjid = e.oid AND d.deptype = 'e'
		  AND i.classoid = d.classid AND i.objoid = d.objid;
		DELETE FROM pg_depend d USING pg_extension e
		WHERE e.extname = 'labeling' AND d.refclassid = 'pg_extension'::regclass
		  AND d.refobjid = e.oid AND d.deptype = 'e';
	});
	my ($out, $err);
	IPC::Run::run([ 'pg_dump', '--schema-only', '--no-owner', '-n', 'labeling*',
					'-d', $node->connstr("${db}_copy") ], '>', \$out, '2>', \$err)
	  or die "pg_dump failed: $err";
	$out =~ s/^--.*\n//mg;		# comments name no object that differs
	$out =~ s/^\\(un)?restrict .*\n//mg;	# a random key per dump
	# pg_dump orders objects by name and by their dependencies, which may be recorded in a
	# different order in the two databases: compare the objects as a sorted list
	return join("\n\n", sort grep { /\S/ } split /\n{2,}/, $out) . "\n";
}
my $want = catalog('fresh');
my $got = catalog('old');
like($want, qr/CREATE TABLE labeling\.judgments/, 'the catalog dump holds the extension\'s objects');
my $same = $got eq $want;
ok($same, 'the updated catalog equals a fresh install');
unless ($same)
{
	my $dir = $PostgreSQL::Test::Utils::tmp_check;
	open my $f, '>', "$dir/fresh.sql" or die; print $f $want; close $f;
	open $f, '>', "$dir/updated.sql" or die; print $f $got; close $f;
	diag(scalar `diff -u $dir/fresh.sql $dir/updated.sql | head -200`);
}

my $casts = q{
	SELECT string_agg(format('%s->%s:%s:%s', c.castsource::regtype, c.casttarget::regtype,
							 c.castfunc::regprocedure, c.castcontext), ' ' ORDER BY 1)
	FROM pg_cast c JOIN pg_depend d ON d.classid = 'pg_cast'::regclass AND d.objid = c.oid
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'labeling'};
is($node->safe_psql('old', $casts), $node->safe_psql('fresh', $casts), 'the same casts');
my $config = q{
	SELECT string_agg(c::regclass || coalesce('=' || nullif(w, ''), ''), ' ' ORDER BY c::regclass::text)
	FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(c, w) WHERE e.extname = 'labeling'};
is($node->safe_psql('old', $config), $node->safe_psql('fresh', $config),
	'the same tables and sequences are kept by pg_dump');

# the updated database works: a new judgment goes through the live pipeline
$node->safe_psql('old', q{
	INSERT INTO labeling.tasks (project_id, external_id) VALUES (1, 'after-update');
	INSERT INTO labeling.judgments (task_id, worker_id, label)
	SELECT task_id, 1, 'cat' FROM labeling.tasks WHERE external_id = 'after-update';
});
is($node->safe_psql('old', q{
	SELECT ts.n_judgments || ' ' || ts.label FROM labeling.task_state ts
	JOIN labeling.tasks t USING (task_id) WHERE t.external_id = 'after-update'}), '1 cat',
	'the live pipeline runs after the update');

$node->stop;
done_testing();
