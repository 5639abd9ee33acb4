# Fuzz bt_model input: random mutations of valid models (text) and of their
# binary payloads either load (and can then be read by every reader) or fail
# with a clear SQLSTATE, and the server never crashes; every value accepted
# either way round-trips exactly through text and binary.  Generated valid
# models with numbers at the edges of double precision in every field (in
# every JSON spelling, infinities and nulls where the field allows them) are
# all accepted and round-trip exactly too.
# Also: a bt_model column survives pg_dump / pg_restore unchanged.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use LabelingFuzz qw(mutate_text try_inputs accept_generated fuzz_binary check_round_trips json_number);

my $node = PostgreSQL::Test::Cluster->new('bt_fuzz');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION labeling');
$node->safe_psql('postgres', q{
	CREATE TABLE accepted (id serial, v labeling.bt_model);
	CREATE FUNCTION try_readers(m labeling.bt_model) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		-- every reader must cope with any accepted value
		PERFORM count(*) FROM labeling.bt_scores(m);
		PERFORM count(*) FROM labeling.bt_workers(m);
		PERFORM labeling.bt_summary(m);
		BEGIN
			PERFORM count(*) FROM labeling.bt_next_pairs(m, 5);
		EXCEPTION WHEN invalid_parameter_value THEN NULL;	-- prior 0: no standard errors
		END;
		PERFORM count(*) FROM labeling.bt_gradient_check(m, 1e-5, 5);
		PERFORM labeling.bt_fit(m, max_iter => 3);
		RETURN 'ok';
	END $$;
	CREATE FUNCTION try_bt(s text) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE
		m labeling.bt_model;
	BEGIN
		m := s::labeling.bt_model;
		INSERT INTO accepted (v) VALUES (m);
		RETURN try_readers(m);
	EXCEPTION WHEN OTHERS THEN
		RETURN SQLSTATE;
	END $$;
	CREATE TABLE seeds AS
	SELECT labeling.bt_rank(l, r, w)::text AS s FROM (VALUES
		('a', 'b', 'a'), ('b', 'c', NULL), ('a', 'c', 'c'), ('x', 'y', 'y')) v(l, r, w)
	UNION ALL
	SELECT labeling.bt_rank(l, r, w, wk)::text FROM (VALUES
		(1::bigint, 2::bigint, 1::bigint, 'p'), (2, 3, NULL, 'q'), (3, 1, 3, 'p'), (1, 3, 1, 'q')) v(l, r, w, wk)
	UNION ALL
	SELECT labeling.bt_fit(labeling.bt_rank(l, r, w), prior => 0, method => 'mm', max_iter => 5)::text
	FROM (VALUES ('a', 'b', 'a'), ('b', 'c', 'b')) v(l, r, w)
	UNION ALL
	SELECT labeling.bt_fit(labeling.bt_rank(l, r, w, wk), noisy => false, ties => 'ignore')::text
	FROM (VALUES ('a', 'b', 'a', 1::bigint), ('b', 'c', 'b', 2), ('c', 'a', 'a', 2)) v(l, r, w, wk);
});
my $dir = PostgreSQL::Test::Utils::tempdir;

my @seeds = split /\n/, $node->safe_psql('postgres', 'SELECT s FROM seeds');
is(scalar(@seeds), 4, 'four seed models');

srand(20261127);
my @alphabet = split //, q{{}[]":,.-+eE0123456789\\u abnulltrufIyxN} . "\t\n\f";

sub mutate { return mutate_text($_[0], \@alphabet, 3, 1); }

# 1. text mutations
my (%seen, @inputs);
for my $i (1 .. 2000)
{
	my $m = mutate($seeds[ $i % @seeds ]);
	push @inputs, $m unless $seen{$m}++;
}
push @inputs, @seeds;
my %outcome = try_inputs($node, 'try_bt', @inputs);
ok($outcome{ok} >= 4, 'text: valid models accepted');
ok(($outcome{'22P02'} // 0) > 100, 'text: syntax errors reported as 22P02');
ok(($outcome{'22023'} // 0) > 10, 'text: inconsistent models reported as 22023');
my @unexpected = grep { !/^(ok|22P02|22023)$/ } keys %outcome;
is("@unexpected", '', 'text: no other outcome') or diag(join(', ', map { "$_=$outcome{$_}" } keys %outcome));
note('text: ', join(', ', map { "$_: $outcome{$_}" } sort keys %outcome));

# 2. generated valid models: the seeds' structure with every number replaced
# by one at the edges of what its field allows
sub gen_model
{
	my ($t) = @_;
	my $zero_prior = rand() < 0.3;
	my $ignore = $t =~ /"ties": "ignore"/;
	my $noisy = $t =~ /"noisy": true/;
	my $nonneg = sub { json_number('nonnegative') };
	my $pick = sub { $_[ int(rand(@_)) ] };
	my $prior = $zero_prior ? $pick->('0', '-0', '0e7', '0.000') : $nonneg->();
	$t =~ s/"prior": [^,]+/"prior": $prior/;
	$t =~ s/"tol": [^,]+/'"tol": ' . $nonneg->()/e;
	$t =~ s/"log_posterior": [^,]+/'"log_posterior": ' . (rand() < 0.2 ? $pick->('"Infinity"', '"-Infinity"') : json_number('any'))/e;
	$t =~ s/"gradient_max": [^,]+/'"gradient_max": ' . (rand() < 0.2 ? '"Infinity"' : $nonneg->())/e;
	$t =~ s/"nu": [^,]+/'"nu": ' . ($ignore ? $pick->('0', '-0', '0E+1') : $nonneg->())/e;
	my ($items) = $t =~ /"items": (\[.*?\]\]), "workers"/;
	(my $new_items = $items) =~ s{\[("[^"]*"|-?\d+), [^,]+, [^,]+, (\d+)\]}{
		my $theta = $zero_prior && rand() < 0.3 ? '"-Infinity"' : json_number('any');
		my $se = rand() < 0.3 ? 'null' : $nonneg->();
		"[$1, $theta, $se, $2]"
	}ge;
	$t =~ s/\Q$items\E/$new_items/;
	$t =~ s{\[("[^"]*"|-?\d+), [^,\[\]]+, [^,\[\]]+, [^,\[\]]+, [^,\[\]]+\]}{
		"[$1, " . join(', ', map { $noisy ? json_number('unit') : 'null' } 1 .. 4) . ']'
	}ge;
	return $t;
}
my @generated = map { gen_model($seeds[ $_ % @seeds ]) } 1 .. 300;
accept_generated($node, 'try_bt', @generated);

# 3. binary mutations of accepted models' payloads
fuzz_binary($node, type => 'labeling.bt_model',
	seeds => 'SELECT v FROM (SELECT v FROM accepted ORDER BY id DESC LIMIT 40) s',
	count => 300, dir => $dir, after => 'SELECT try_readers(v) FROM landing',
	ok_codes => qr/^(22P03|22023|22021|08P01|54000)$/);

# 4. every accepted value (text, generated or binary) round-trips exactly
check_round_trips($node, type => 'bt_model', table => 'accepted', dir => $dir, min => 300);
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'server still up');

# dump and restore of a table with bt_model values
$node->safe_psql('postgres', q{
	CREATE TABLE models AS SELECT row_number() OVER () AS id, s::labeling.bt_model AS m FROM seeds;
});
my $dump = "$PostgreSQL::Test::Utils::tmp_check/bt.dump";
$node->command_ok([ 'pg_dump', '-Fc', '-d', $node->connstr('postgres'), '-t', 'models', '-f', $dump ], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE dst');
$node->safe_psql('dst', 'CREATE EXTENSION labeling');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('dst'), $dump ], 'pg_restore');
my $q = q{SELECT md5(string_agg(id || ':' || m::text, '|' ORDER BY id)) FROM models};
is($node->safe_psql('dst', $q), $node->safe_psql('postgres', $q), 'bt_model values restored identically');

$node->stop;
done_testing();
