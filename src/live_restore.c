/*-------------------------------------------------------------------------
 *
 * live_restore.c
 *	  The restore guard: a BEFORE INSERT statement trigger on every table
 *	  of the extension that lets an ordinary restore of a dump load the
 *	  rows exactly as they were dumped.
 *
 *	  pg_dump keeps the rows of every table of the extension, the live
 *	  state and the quality-control events included, while CREATE
 *	  EXTENSION has already created the tables with their triggers and
 *	  foreign keys when the restore loads them.  Run on the restored rows,
 *	  in the order pg_restore loads tables (or all at once with --jobs),
 *	  the live triggers would reject history (a judgment of a submitted
 *	  assignment, of a closed task), fire the rules again and collide with
 *	  the dumped state, and the foreign keys would reject a child table
 *	  loaded before its parent by another job.
 *
 *	  Every session of pg_restore, and every script of pg_dump, starts with
 *	  SET check_function_bodies = false and SET row_security = off, which
 *	  the sessions of a labeling operation do not use.  When such a session
 *	  writes into a table of the extension, the guard switches the rest of
 *	  that transaction to session_replication_role = replica (SET LOCAL):
 *	  the statement's own triggers and foreign-key checks, and those of
 *	  the rest of the transaction, stand aside, exactly as the documented
 *	  manual procedure did.  pg_restore loads each table in a transaction
 *	  of its own, and psql runs a plain dump statement by statement, so the
 *	  switch lasts one table's load (a --single-transaction restore keeps
 *	  it to the end, as --disable-triggers would).
 *
 *	  Only a superuser can turn triggers and foreign keys off; any other
 *	  role in a restoring session gets an error on every table of the
 *	  extension, so its restore loads none of their rows rather than half
 *	  of them.
 *
 * IDENTIFICATION
 *	  src/live_restore.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "commands/trigger.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "labeling.h"

/* Is this a session restoring a dump (see the file header)? */
static bool
live_restoring_session(void)
{
	const char *bodies = GetConfigOption("check_function_bodies", false, false);
	const char *rls = GetConfigOption("row_security", false, false);

	return bodies != NULL && strcmp(bodies, "off") == 0 &&
		rls != NULL && strcmp(rls, "off") == 0;
}

/* not STRICT: a trigger function */
FUNCTION_PREFIX PG_FUNCTION_INFO_V1(live_restore_guard);

/* BEFORE INSERT FOR EACH STATEMENT: let a restoring session load as dumped */
Datum
live_restore_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event))
		elog(ERROR, "live_restore_guard must be fired BEFORE, FOR EACH STATEMENT");

	if (live_restoring_session())
	{
		if (!superuser())
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("role \"%s\" cannot restore the tables of extension labeling",
							GetUserNameFromId(GetUserId(), false)),
					 errdetail("The session has check_function_bodies and row_security off, as a restore of a dump does, and a restore loads the rows of table \"%s\" as they were dumped, without the triggers and foreign keys that only a superuser can turn off.",
							   RelationGetRelationName(trigdata->tg_relation)),
					 errhint("Restore as a superuser; in an ordinary session leave check_function_bodies or row_security on.")));
		(void) set_config_option("session_replication_role", "replica",
								 PGC_SUSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
								 true, 0, false);
	}
	return PointerGetDatum(NULL);
}
