-- Every privilege on every object of the extension, per role, so that a
-- change that widens access shows up here as a difference.  The owner (the
-- superuser who ran CREATE EXTENSION) is left out.
SET client_min_messages = warning;
DROP EXTENSION labeling CASCADE;
CREATE EXTENSION labeling;
RESET client_min_messages;

CREATE FUNCTION acl_of(p_acl aclitem[], p_owner oid, p_role text) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce(string_agg(
		CASE a.privilege_type WHEN 'SELECT' THEN 'r' WHEN 'INSERT' THEN 'a' WHEN 'UPDATE' THEN 'w'
			WHEN 'DELETE' THEN 'd' WHEN 'TRUNCATE' THEN 'D' WHEN 'REFERENCES' THEN 'x'
			WHEN 'TRIGGER' THEN 't' WHEN 'EXECUTE' THEN 'X' WHEN 'USAGE' THEN 'U' WHEN 'CREATE' THEN 'C'
			ELSE a.privilege_type END, ''
		ORDER BY position(a.privilege_type IN 'SELECT INSERT UPDATE DELETE TRUNCATE REFERENCES TRIGGER EXECUTE USAGE CREATE')), '')
	FROM aclexplode(p_acl) a
	WHERE a.grantee <> p_owner
	  AND (CASE WHEN a.grantee = 0 THEN 'public' ELSE pg_get_userbyid(a.grantee)::text END) = p_role
$$;

-- the schema
SELECT n.nspname, acl_of(n.nspacl, n.nspowner, 'labeling_admin') AS admin,
	   acl_of(n.nspacl, n.nspowner, 'labeling_analyst') AS analyst,
	   acl_of(n.nspacl, n.nspowner, 'labeling_worker') AS worker,
	   acl_of(n.nspacl, n.nspowner, 'public') AS public
FROM pg_namespace n WHERE n.nspname = 'labeling';

-- tables, views and sequences (r SELECT, a INSERT, w UPDATE, d DELETE, U USAGE)
SELECT c.relname, c.relkind, c.relrowsecurity AS rls,
	   acl_of(c.relacl, c.relowner, 'labeling_admin') AS admin,
	   acl_of(c.relacl, c.relowner, 'labeling_analyst') AS analyst,
	   acl_of(c.relacl, c.relowner, 'labeling_worker') AS worker,
	   acl_of(c.relacl, c.relowner, 'public') AS public
FROM pg_class c
WHERE c.relnamespace = 'labeling'::regnamespace AND c.relkind IN ('r', 'v', 'S', 'm', 'f', 'p')
ORDER BY c.relkind, c.relname;

-- column privileges
SELECT c.relname, a.attname,
	   acl_of(a.attacl, c.relowner, 'labeling_admin') AS admin,
	   acl_of(a.attacl, c.relowner, 'labeling_analyst') AS analyst,
	   acl_of(a.attacl, c.relowner, 'labeling_worker') AS worker,
	   acl_of(a.attacl, c.relowner, 'public') AS public
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relnamespace = 'labeling'::regnamespace AND a.attacl IS NOT NULL
ORDER BY c.relname, a.attnum;

-- row-level security policies
SELECT tablename, policyname, permissive, roles, cmd, qual, with_check
FROM pg_policies WHERE schemaname = 'labeling' ORDER BY tablename, policyname;

-- functions executable by PUBLIC are all IMMUTABLE (they read no table)
SELECT count(*) FILTER (WHERE p.provolatile <> 'i') AS public_not_immutable,
	   count(*) FILTER (WHERE p.prosecdef) AS public_security_definer
FROM pg_proc p
WHERE p.pronamespace IN ('labeling'::regnamespace, 'labeling_internal'::regnamespace)
  AND has_function_privilege('public', p.oid, 'EXECUTE');

-- every other function and who may call it (X EXECUTE)
SELECT p.oid::regprocedure AS function, p.provolatile AS vol, p.prosecdef AS definer,
	   acl_of(p.proacl, p.proowner, 'labeling_admin') AS admin,
	   acl_of(p.proacl, p.proowner, 'labeling_analyst') AS analyst,
	   acl_of(p.proacl, p.proowner, 'labeling_worker') AS worker
FROM pg_proc p
WHERE p.pronamespace IN ('labeling'::regnamespace, 'labeling_internal'::regnamespace)
  AND NOT has_function_privilege('public', p.oid, 'EXECUTE')
ORDER BY p.oid::regprocedure::text;

-- the SECURITY DEFINER functions pin their search_path
SELECT p.proname, p.proconfig FROM pg_proc p
WHERE p.pronamespace IN ('labeling'::regnamespace, 'labeling_internal'::regnamespace) AND p.prosecdef ORDER BY 1;

-- types are usable by PUBLIC (their default)
SELECT t.typname, t.typacl IS NULL AS default_acl
FROM pg_type t WHERE t.typnamespace = 'labeling'::regnamespace AND t.typtype = 'b' AND t.typcategory <> 'A'
ORDER BY 1;
