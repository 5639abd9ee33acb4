-- ---------------------------------------------------------------------------
-- A worker's status in a project set by hand (ban, flag and lifting them):
-- recorded in qc_events, NOTIFYed, and the worker's tasks recomputed when
-- their votes start or stop counting.
-- ---------------------------------------------------------------------------

-- not STRICT: reason may be NULL; NULL keys are reported
CREATE FUNCTION @extschema@.set_worker_status(project_id bigint, worker_id bigint, status text,
		reason text DEFAULT NULL)
	RETURNS @extschema@.qc_events
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	v_old text;
	v_action text;
	e @extschema@.qc_events;
BEGIN
	IF status IS NULL OR NOT (status = 'active' OR status = 'flagged' OR status = 'banned') THEN
		RAISE EXCEPTION 'invalid worker status %', coalesce(quote_literal(status), 'NULL')
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Use active, flagged or banned.';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM @extschema@.projects p WHERE p.project_id = set_worker_status.project_id)
	   OR NOT EXISTS (SELECT 1 FROM @extschema@.workers w WHERE w.worker_id = set_worker_status.worker_id) THEN
		RAISE EXCEPTION 'no project % or no worker %', set_worker_status.project_id, set_worker_status.worker_id
			USING ERRCODE = 'foreign_key_violation';
	END IF;
	PERFORM labeling_internal.live_lock_workers(ARRAY[set_worker_status.project_id],
										  ARRAY[set_worker_status.worker_id]);
	SELECT ws.status INTO v_old FROM @extschema@.worker_state ws
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;

	v_action := CASE WHEN status = 'banned' THEN 'ban'
					 WHEN status = 'flagged' THEN 'flag'
					 WHEN v_old = 'banned' THEN 'unban'
					 ELSE 'unflag' END;
	INSERT INTO @extschema@.qc_events (project_id, worker_id, action, evidence)
	VALUES (set_worker_status.project_id, set_worker_status.worker_id, v_action,
			jsonb_build_object('source', 'set_worker_status', 'reason', reason,
							   'previous_status', v_old))
	RETURNING * INTO e;
	UPDATE @extschema@.worker_state ws
	SET status = set_worker_status.status, status_changed_at = now()
	WHERE ws.project_id = set_worker_status.project_id AND ws.worker_id = set_worker_status.worker_id;
	PERFORM labeling_internal.live_notify_events(ARRAY[e.event_id]);
	IF (v_old = 'banned') <> (status = 'banned') THEN
		PERFORM labeling_internal.live_update(NULL, ARRAY[set_worker_status.project_id],
										ARRAY[set_worker_status.worker_id], NULL,
										false, true, true);
	END IF;
	RETURN e;
END
$$;
COMMENT ON FUNCTION @extschema@.set_worker_status(bigint, bigint, text, text) IS
	'ban, flag, unban or clear a worker in a project by hand; recorded in qc_events and NOTIFYed';
