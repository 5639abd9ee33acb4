# test/perl/LabelingFuzz.pm - shared by the fuzz TAP tests (test/t/*_fuzz.pl):
#   mutate_text / mutate_bytes     random edits of valid text inputs and binary payloads
#   try_inputs                     a text-taking SQL function over many inputs, in batches
#   accept_generated               generated valid values are all accepted, in canonical form
#   copy_payloads / write_copy     the payloads of a binary COPY file, and a file from payloads
#   fuzz_binary                    load corrupted binary payloads one by one, keep what is accepted
#   check_round_trips              exact text, binary (and jsonb) round trips of a table of values
#                                  (these two also report their results as tests)
#   json_number / respell_number   valid JSON numbers at the edges of double precision, in every
#                                  spelling JSON allows (exact denormals, halfway cases, 1000+ digits)
#   correctly_rounded              an independent check (exact integer arithmetic) that a decimal
#                                  was read as its nearest double, ties to even
package LabelingFuzz;
use strict;
use warnings;
use Exporter 'import';
use Math::BigInt;
use Test::More;
our @EXPORT_OK = qw(mutate_text mutate_bytes try_inputs accept_generated copy_payloads write_copy fuzz_binary
  check_round_trips json_number respell_number correctly_rounded);

# mutate_text($s, \@alphabet, $max_edits, $digit_edits): $s with random edits; with $digit_edits one
# kind of edit rewrites a digit (counts, probabilities, ids and keys are the interesting targets).
sub mutate_text
{
	my ($s, $alphabet, $max_edits, $digit_edits) = @_;
	my $n = 1 + int(rand($max_edits));
	for (1 .. $n)
	{
		my $op = int(rand($digit_edits ? 5 : 4));
		my $pos = int(rand(length($s) + 1));
		my $c = $alphabet->[ int(rand(@$alphabet)) ];
		if ($op == 0) { substr($s, $pos, 0) = $c; }
		elsif ($op == 1 && $pos < length($s)) { substr($s, $pos, 1) = $c; }
		elsif ($op == 2 && $pos < length($s)) { substr($s, $pos, 1) = ''; }
		elsif ($op == 3 && $digit_edits)
		{
			my @d;
			push @d, $-[0] while $s =~ /[0-9]/g;
			substr($s, $d[ int(rand(@d)) ], 1) = int(rand(10)) if @d;
		}
		else { $s = substr($s, 0, $pos); }
	}
	return $s;
}

# mutate_bytes($p): 1 to 4 edits of a binary payload: a random byte, a random 4-byte word, an
# 8-byte double with an unusual bit pattern (NaNs with payloads, -0.0, infinities, denormals), or a
# cut.  Words and doubles land anywhere, so they also hit counts and lengths.
my @odd_doubles = map { pack('H16', $_) } qw(7ff8000000000001 fff8000000000000 7ff0000000000001
  7ff0000000000000 fff0000000000000 8000000000000000 0000000000000001 800fffffffffffff 7fefffffffffffff);

sub mutate_bytes
{
	my ($p) = @_;
	my $n = 1 + int(rand(4));
	for (1 .. $n)
	{
		my $op = int(rand(4));
		my $at = int(rand(length($p) || 1));
		if ($op == 0) { substr($p, $at, 1) = chr(int(rand(256))) if $at < length($p); }
		elsif ($op == 1) { substr($p, $at, 4) = pack('N', int(rand(2**32))); }
		elsif ($op == 2) { substr($p, $at, 8) = $odd_doubles[ int(rand(@odd_doubles)) ]; }
		else { $p = substr($p, 0, $at); }
	}
	return $p;
}

# try_inputs($node, $function, @inputs): SELECT $function(input) for every input, in batches
# (one statement per batch keeps a crash attributable); returns the count of each result.
sub try_inputs
{
	my ($node, $function, @inputs) = @_;
	my %outcome;
	while (my @batch = splice(@inputs, 0, 100))
	{
		my $sql = join(' UNION ALL ', map {
			my $q = $_ =~ s/\\/\\\\/gr =~ s/'/''/gr;
			"SELECT $function(E'$q')"
		} @batch);
		my ($ret, $out, $err) = $node->psql('postgres', $sql);
		is($ret, 0, "a batch of inputs to $function ran") or diag($err);
		$outcome{$_}++ for split /\n/, $out;
	}
	return %outcome;
}

# accept_generated($node, $function, @values): $function (which keeps what it accepts in the table
# "accepted") must print 'ok' for every generated valid value, and no -0 may survive in the text of
# what it kept (doubles are stored canonical; generated keys and labels have no "-").  Returns the
# largest id of "accepted" before: the values are those after it, in order.
sub accept_generated
{
	my ($node, $function, @values) = @_;
	my $before = $node->safe_psql('postgres', 'SELECT coalesce(max(id), 0) FROM accepted');
	my %gen = try_inputs($node, $function, @values);
	is_deeply(\%gen, { ok => scalar(@values) }, 'generated: every valid value is accepted')
	  or diag(explain \%gen);
	is($node->safe_psql('postgres',
		"SELECT count(*) FROM accepted WHERE id > $before AND v::text ~ '[[ ]-0[],}]'"),
		'0', 'generated: no -0 survives (canonical doubles)');
	return $before;
}

# copy_payloads($node, $query, $file): COPY the one-column result of $query out in binary; returns
# the file header and the payload of every row.
sub copy_payloads
{
	my ($node, $query, $file) = @_;
	$node->safe_psql('postgres', "COPY ($query) TO '$file' WITH (FORMAT binary)");
	open(my $fh, '<:raw', $file) or die "cannot read $file: $!";
	my $bin = do { local $/; <$fh> };
	close $fh;
	# header: 11-byte signature, 4-byte flags, 4-byte extension length
	my $pos = 19;
	my @payloads;
	while (1)
	{
		my $nfields = unpack('n!', substr($bin, $pos, 2));
		last if $nfields == -1;
		die "expected one column" unless $nfields == 1;
		my $len = unpack('N', substr($bin, $pos + 2, 4));
		push @payloads, substr($bin, $pos + 6, $len);
		$pos += 6 + $len;
	}
	return (substr($bin, 0, 19), @payloads);
}

# write_copy($file, $header, @payloads): a binary COPY file of one column, one row per payload.
sub write_copy
{
	my ($file, $header, @payloads) = @_;
	open(my $w, '>:raw', $file) or die "cannot write $file: $!";
	print $w $header;
	print $w pack('n', 1), pack('N', length($_)), $_ for @payloads;
	print $w pack('n', 0xFFFF);
	close $w;
}

# fuzz_binary($node, type => 'labeling.x', seeds => $query, count => N, dir => $dir,
#             ok_codes => qr/.../, after => $sql):
# corrupt the binary payloads of the seed values count times, COPY each into a fresh one-column
# table, run $sql (which must print 'ok' for every loaded row; it may use the table "landing")
# and keep every accepted value in the table "accepted" (id serial, v type), created here.
# Tests that every load either printed 'ok' or failed with a SQLSTATE of ok_codes, and that there
# were several outcomes; returns the count of each outcome ('ok' or the SQLSTATE).
sub fuzz_binary
{
	my ($node, %a) = @_;
	my ($header, @seeds) = copy_payloads($node, $a{seeds}, "$a{dir}/seeds.bin");
	$node->safe_psql('postgres', qq{
		CREATE TABLE IF NOT EXISTS accepted (id serial, v $a{type});
		CREATE TABLE IF NOT EXISTS landing (v $a{type});
	});
	my (%outcome, @unexpected);
	my $file = "$a{dir}/fuzz.bin";
	for (1 .. $a{count})
	{
		write_copy($file, $header, mutate_bytes($seeds[ int(rand(@seeds)) ]));
		my ($ret, $stdout, $stderr) = $node->psql('postgres',
			"TRUNCATE landing; COPY landing FROM '$file' WITH (FORMAT binary);"
			  . ($a{after} // "SELECT 'ok' FROM landing") . ';'
			  . 'INSERT INTO accepted (v) SELECT v FROM landing;',
			extra_params => [ '-v', 'VERBOSITY=verbose' ]);
		if ($ret == 0)
		{
			$outcome{$stdout}++;
			push @unexpected, $stdout unless $stdout eq 'ok';
		}
		else
		{
			my ($code) = $stderr =~ /ERROR:\s+([0-9A-Z]{5}):/;
			$code //= 'none';
			$outcome{$code}++;
			push @unexpected, $stderr unless $code =~ $a{ok_codes};
		}
	}
	ok(!@unexpected, 'binary: every corruption loads or fails with a data error SQLSTATE')
	  or diag(join("\n", @unexpected[ 0 .. ($#unexpected < 5 ? $#unexpected : 5) ]));
	ok(keys(%outcome) > 2, 'binary: several outcomes');
	note('binary: ', join(', ', map { "$_: $outcome{$_}" } sort keys %outcome));
	return %outcome;
}

# check_round_trips($node, type => 'label_dist', table => $t, dir => $dir, jsonb => 0|1, min => N):
# every value v of $t (id int, v labeling.<type>) must round-trip exactly:
#   text -> value -> text             v::text::T::text = v::text
#   text -> binary                    send(v::text::T) = send(v)
#   send -> receive -> send           binary COPY out and back: the same bytes
#   text -> binary -> text            ... and the same text
#   binary -> text -> binary          send(received::text::T) = send(v)
#   jsonb (where a cast exists)       v::jsonb::T has the same text and bytes
# Tests that there are more than min values and that every one round-trips.
sub check_round_trips
{
	my ($node, %a) = @_;
	my ($t, $type) = ($a{table}, "labeling.$a{type}");
	my $send = "labeling_internal.$a{type}_send";
	my $file = "$a{dir}/$t.round_trip.bin";
	my $jsonb = $a{jsonb}
	  ? "CASE WHEN $send(a.v::jsonb::${type}) IS DISTINCT FROM $send(a.v)
			  OR a.v::jsonb::${type}::text IS DISTINCT FROM a.v::text THEN 'jsonb' END"
	  : 'NULL';
	my $out = $node->safe_psql('postgres', qq{
		DROP TABLE IF EXISTS ${t}_back;
		CREATE TABLE ${t}_back (id int, v $type);
		COPY (SELECT id, v FROM $t) TO '$file' WITH (FORMAT binary);
		COPY ${t}_back FROM '$file' WITH (FORMAT binary);
		SELECT count(*) FROM $t;
		SELECT a.id || ': ' || f || ' ' || left(a.v::text, 300) FROM (
			SELECT a.id, a.v, concat_ws(', ',
				CASE WHEN a.v::text::${type}::text IS DISTINCT FROM a.v::text THEN 'text -> value -> text' END,
				CASE WHEN $send(a.v::text::${type}) IS DISTINCT FROM $send(a.v) THEN 'text -> binary' END,
				CASE WHEN b.id IS NULL THEN 'lost in binary COPY' END,
				CASE WHEN $send(b.v) IS DISTINCT FROM $send(a.v) THEN 'send -> receive -> send' END,
				CASE WHEN b.v::text IS DISTINCT FROM a.v::text THEN 'text -> binary -> text' END,
				CASE WHEN $send(b.v::text::${type}) IS DISTINCT FROM $send(a.v) THEN 'binary -> text -> binary' END,
				$jsonb) AS f
			FROM $t a LEFT JOIN ${t}_back b USING (id)) a
		WHERE f <> '' ORDER BY a.id;
	});
	my ($count, @fails) = split /\n/, $out;
	ok($count > $a{min}, "round trips: $count accepted values");
	is_deeply(\@fails, [], 'round trips: text, binary' . ($a{jsonb} ? ' and jsonb' : '') . ', every way, exact')
	  or diag(join("\n", @fails[ 0 .. ($#fails < 5 ? $#fails : 5) ]));
}

# ---------------------------------------------------------------------------
# Valid JSON numbers at the edges of double precision
# ---------------------------------------------------------------------------

# A decimal as (sign, digit string without leading zeros, power of ten): value = digits * 10^exp.
sub parse_decimal
{
	my ($s) = @_;
	$s =~ /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/ or die "not a JSON number: $s";
	my ($sign, $int, $frac, $exp) = ($1, $2, $3 // '', $4 // 0);
	my $digits = ($int . $frac) =~ s/^0+//r;
	$digits = '0' if $digits eq '';
	return ($sign, $digits, $exp - length($frac));
}

# respell_number($s): the same value in another spelling JSON allows: plain or with an exponent
# (e/E, with or without "+", leading zeros in the exponent), the point anywhere, trailing zeros.
sub respell_number
{
	my ($s) = @_;
	my ($sign, $digits, $exp) = parse_decimal($s);
	if (rand() < 0.3)
	{
		my $z = int(rand(30));
		$digits .= '0' x $z if $digits ne '0';
		$exp -= $z if $digits ne '0';
	}
	if (rand() < 0.35 && $exp < 0 && -$exp < 2000)
	{
		# plain decimal, as jsonb prints numbers
		my $n = -$exp;
		my $d = $digits;
		$d = ('0' x ($n + 1 - length($d))) . $d if length($d) <= $n;
		my $int = substr($d, 0, length($d) - $n);
		return $sign . $int . '.' . substr($d, length($d) - $n);
	}
	if (rand() < 0.2 && $exp >= 0 && $exp < 400)
	{
		return $sign . ($digits eq '0' ? '0' : $digits . ('0' x $exp));
	}
	# point after a random number of leading digits, then an exponent
	my $k = 1 + int(rand(length($digits)));
	my $mant = substr($digits, 0, $k) . ($k < length($digits) ? '.' . substr($digits, $k) : '');
	my $e = $exp + length($digits) - $k;
	my $es = ($e < 0 ? '-' : (rand() < 0.5 ? '+' : '')) . ('0' x int(rand(3))) . abs($e);
	return $sign . $mant . (rand() < 0.5 ? 'e' : 'E') . $es;
}

# The exact decimal of m * 2^p (m, p integers; Math::BigInt for m).
sub exact_decimal
{
	my ($m, $p) = @_;
	$m = Math::BigInt->new($m);
	return $m->copy->blsft($p)->bstr if $p >= 0;
	# m * 2^p = m * 5^-p * 10^p
	my $d = $m->copy->bmul(Math::BigInt->new(5)->bpow(-$p))->bstr;
	return "${d}e$p";
}

# json_number(kind): a random valid JSON number string.  kind 'unit': in [0, 1] (probabilities);
# 'nonnegative': [0, largest double]; 'any': any finite double.  Drawn from the famous edges
# (denormals, the smallest normal, 1e-300, the largest double), exact denormals and exact halfway
# points between neighbouring doubles (up to 1100 digits), and short decimals at any exponent,
# then respelled.
sub json_number
{
	my ($kind) = @_;
	my $max = $kind eq 'unit' ? 0 : 308;
	my @fixed = qw(0 -0 5e-324 4.9406564584124654e-324 1e-323 2.225073858507201e-308
	  2.2250738585072014e-308 1e-300 1e-320 0.9999999999999999 1);
	push @fixed, qw(1.7976931348623157e308 1e300 8.98846567431158e307 4503599627370496.5)
	  if $kind ne 'unit';
	my $r = rand();
	my $s;
	if ($r < 0.3) { $s = $fixed[ int(rand(@fixed)) ]; }
	elsif ($r < 0.45)
	{
		# an exact denormal, or the exact midpoint of two neighbouring denormals
		my $m = 1 + int(rand(2**40));
		$s = rand() < 0.5 ? exact_decimal($m, -1074) : exact_decimal(2 * $m + 1, -1075);
	}
	elsif ($r < 0.6)
	{
		# the exact midpoint of two neighbouring normal doubles (below 1 for 'unit')
		my $m = 2**52 + int(rand(2**52));
		my $e = $kind eq 'unit' ? -53 - int(rand(1000)) : -1074 + 1 + int(rand(2000));
		$s = exact_decimal(2 * $m + 1, $e - 1);
	}
	else
	{
		# 1 to 20 significant digits at any exponent in range
		my $n = 1 + int(rand(20));
		my $digits = join('', 1 + int(rand(9)), map { int(rand(10)) } 2 .. $n);
		my $e = -340 + int(rand(340 + $max)) - $n + 1;
		$s = "${digits}e$e";
		$s = "1" if $kind eq 'unit' && $e + $n - 1 >= 0;
	}
	$s = '-' . $s if $kind eq 'any' && rand() < 0.5 && $s !~ /^-/;
	return respell_number($s);
}

# correctly_rounded($decimal, $hex): true when the double with big-endian bits $hex (as float8send
# gives them) is the double nearest to the decimal string, ties to even (what strtod must give;
# checked here in exact integer arithmetic, independently of the C library).
sub correctly_rounded
{
	my ($s, $hex) = @_;
	my ($sign, $digits, $exp) = parse_decimal($s);
	my $bits = Math::BigInt->from_hex($hex);
	my $neg = $bits->copy->brsft(63)->is_one;
	my $e = $bits->copy->brsft(52)->band(0x7ff)->numify;
	my $m = $bits->copy->band(Math::BigInt->new(2)->bpow(52)->bdec);
	return 0 if $e == 0x7ff;
	# the signs agree, unless the result is a zero (of either sign)
	return 0 if !($e == 0 && $m->is_zero) && ($neg ? 1 : 0) != ($sign eq '-' ? 1 : 0);
	my ($M, $P) = $e == 0 ? ($m, -1074) : ($m->copy->badd(Math::BigInt->new(2)->bpow(52)), $e - 1075);
	# v = M * 2^P; its neighbours are one unit in the last place away (half a unit below a power
	# of two, where the exponent steps down)
	my $pow2 = ($e > 1 && $m->is_zero);
	my $x = [ Math::BigInt->new($digits), $exp ];
	my $cmp = sub {    # compare x with a * 2^q (a a BigInt, q an integer)
		my ($a, $q) = @_;
		my ($l, $r) = ($x->[0]->copy, $a->copy);
		$l->blsft(-$q) if $q < 0;
		$r->blsft($q) if $q > 0;
		if ($x->[1] >= 0) { $l->bmul(Math::BigInt->new(10)->bpow($x->[1])); }
		else { $r->bmul(Math::BigInt->new(10)->bpow(-$x->[1])); }
		return $l->bcmp($r);
	};
	# the midpoints with the neighbours, as integers times a power of two
	my $up = $cmp->($M->copy->bmul(2)->binc, $P - 1);
	my $down = $M->is_zero ? 1
	  : $pow2 ? $cmp->($M->copy->bmul(4)->bdec, $P - 2)
	  :         $cmp->($M->copy->bmul(2)->bdec, $P - 1);
	my $even = $M->is_even;
	# a value beyond the largest double's upper midpoint would overflow: not our concern here
	return 0 if $up > 0 || ($up == 0 && !$even);
	return 0 if $down < 0 || ($down == 0 && !$even);
	return 1;
}

1;
