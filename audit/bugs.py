"""The bugs of the planted-by-hand audit, one edit each. `audit/plant.py` turns them into
the patches of `audit/planted/`; `.ci/planted` replays those. Each is a bug a person
writes: a wrong argument, a dropped case, the wrong variable, a path no test reaches, a
partial input. `caught_by` names the test that must fail; `test` the cargo test
arguments that run it.
"""

CLIENT = "crates/nxlink-client/src/"
CLI = "crates/nxlink-cli/src/"
MOCK = "crates/nxlink-mock/src/"

BUGS = [
    # --- retry decisions -------------------------------------------------------------
    dict(
        name="retry-503-as-a-500",
        planted="503 is grouped with the other 5xx, so a create refused with 503 is not sent again",
        kind="dropped case",
        file=CLIENT + "retry.rs",
        old="""        StatusClass::TooManyRequests | StatusClass::ServiceUnavailable => Decision::Retry,
        StatusClass::ServerError if idempotent => Decision::Retry,
        StatusClass::ServerError => Decision::MaybeApplied,""",
        new="""        StatusClass::TooManyRequests => Decision::Retry,
        StatusClass::ServerError | StatusClass::ServiceUnavailable if idempotent => Decision::Retry,
        StatusClass::ServerError | StatusClass::ServiceUnavailable => Decision::MaybeApplied,""",
        caught_by=[CLIENT + "retry.rs::the_retry_table_is_total_and_matches_the_readme_row_by_row"],
        test="-p nxlink-client --lib",
    ),
    dict(
        name="envelope-read-as-an-answer",
        planted="an API envelope is classified as an answer whatever its HTTP status, so a 429 with a JSON body is not retried (the independent server's finding)",
        kind="wrong argument",
        file=CLIENT + "error.rs",
        old="Self::Api(api) => Some(answered(api.status, true, api.retry_after)),",
        new="Self::Api(api) => Some(answered(200, true, api.retry_after)),",
        caught_by=[
            "crates/nxlink-client/tests/retry_table.rs::every_status_body_header_and_idempotency_combination_follows_the_table",
            "crates/nxlink-client/tests/family.rs::throttled_answers_with_an_envelope_are_retried_and_apply_each_call_once",
        ],
        test="-p nxlink-client --test retry_table --test family",
    ),
    dict(
        name="retry-after-dropped",
        planted="the wait before a retry ignores the server's Retry-After",
        kind="wrong argument",
        file=CLIENT + "execute.rs",
        old="let delay = self.inner.retry.delay(attempt, error.retry_after());",
        new="let delay = self.inner.retry.delay(attempt, None);",
        caught_by=["crates/nxlink-client/tests/retry_table.rs::every_status_body_header_and_idempotency_combination_follows_the_table"],
        test="-p nxlink-client --test retry_table",
    ),
    # --- exactly-once helpers --------------------------------------------------------
    dict(
        name="create-once-looks-up-the-wrong-name",
        planted="create_task_once looks a lost create up by the userTaskId as the task name, finds nothing and sends again",
        kind="wrong argument",
        file=CLIENT + "once.rs",
        old="if let Some(id) = self.find_task(&request.task_name, &user_task_id, since).await? {",
        new="if let Some(id) = self.find_task(&user_task_id, &user_task_id, since).await? {",
        caught_by=["crates/nxlink-client/tests/family.rs::create_task_once_finds_the_task_a_lost_answer_created"],
        test="-p nxlink-client --test family",
    ),
    dict(
        name="append-once-one-resend-too-many",
        planted="append_batch_once sends a batch once more than the retry budget allows",
        kind="wrong comparison",
        file=CLIENT + "once.rs",
        old="Err(Error::MaybeApplied { .. }) if attempt < attempts => {",
        new="Err(Error::MaybeApplied { .. }) if attempt <= attempts => {",
        caught_by=["crates/nxlink-client/tests/family.rs::append_batch_once_gives_up_after_the_retry_budget"],
        test="-p nxlink-client --test family",
    ),
    dict(
        name="stable-id-untrimmed",
        planted="the stable contact id hashes the phone number with its surrounding blanks, so ' 852...' and '852...' are two contacts",
        kind="partial input",
        file=CLIENT + "once.rs",
        old=".chain_update(phone_number.trim().as_bytes())",
        new=".chain_update(phone_number.as_bytes())",
        caught_by=[CLIENT + "once.rs::stable_ids_depend_on_task_and_phone_only"],
        test="-p nxlink-client --lib",
    ),
    # --- callback receiver and listener ----------------------------------------------
    dict(
        name="receiver-partly-signed-is-unsigned",
        planted="a callback counts as signed only when every signing header is there, so one with some of them passes as unsigned under UnsignedPolicy::Allow",
        kind="partial input",
        file=CLIENT + "receiver/mod.rs",
        old=".any(|name| headers.header(name).is_some_and(|value| !value.is_empty()));",
        new=".all(|name| headers.header(name).is_some_and(|value| !value.is_empty()));",
        caught_by=[CLIENT + "receiver/mod.rs::every_header_subset_under_both_policies"],
        test="-p nxlink-client --lib",
    ),
    dict(
        name="dedupe-window-one-short",
        planted="the redelivery window forgets a key one event early",
        kind="wrong comparison",
        file=CLIENT + "receiver/mod.rs",
        old="if self.order.len() > self.capacity {",
        new="if self.order.len() >= self.capacity {",
        caught_by=[CLIENT + "receiver/mod.rs::the_dedupe_window_holds_exactly_its_capacity"],
        test="-p nxlink-client --lib",
    ),
    dict(
        name="listener-body-limit-inclusive",
        planted="a body of exactly the limit is refused with 413",
        kind="wrong comparison",
        file=CLIENT + "receiver/server.rs",
        old="declared.is_some_and(|length| length > limits.max_body_bytes as u64)",
        new="declared.is_some_and(|length| length >= limits.max_body_bytes as u64)",
        caught_by=["crates/nxlink-client/tests/listener.rs::a_body_over_the_limit_is_413_without_being_read"],
        test="-p nxlink-client --test listener",
    ),
    dict(
        name="listener-idle-on-the-header-limit",
        planted="a kept-alive connection waits for its next request under the header limit instead of the idle limit",
        kind="wrong variable",
        file=CLIENT + "receiver/server.rs",
        old="watch.enter(Phase::Idle, Some(limits.idle_timeout));",
        new="watch.enter(Phase::Idle, Some(limits.header_timeout));",
        caught_by=["crates/nxlink-client/tests/listener.rs::an_idle_kept_alive_connection_is_closed_after_its_answer"],
        test="-p nxlink-client --test listener",
    ),
    dict(
        name="listener-next-request-never-timed",
        planted="the first bytes of a kept-alive connection's next request do not start the header limit",
        kind="unreached path",
        file=CLIENT + "receiver/server.rs",
        old="""        if self.phase() == Phase::Idle {
            self.enter(Phase::Head, Some(header_timeout));""",
        new="""        if self.phase() == Phase::Busy {
            self.enter(Phase::Head, Some(header_timeout));""",
        caught_by=["crates/nxlink-client/tests/listener.rs::a_kept_alive_connection_that_stalls_in_its_next_headers_is_cut_off"],
        test="-p nxlink-client --test listener",
    ),
    # --- contact files ---------------------------------------------------------------
    dict(
        name="contact-blank-id-kept",
        planted="a blank contactId cell is sent as the contact's id instead of the derived one",
        kind="partial input",
        file=CLI + "commands/contact_file.rs",
        old="get(CONTACT_ID).filter(|id| !id.is_empty()).unwrap_or_else(|| stable_contact_id(self.task_id, &phone));",
        new="get(CONTACT_ID).unwrap_or_else(|| stable_contact_id(self.task_id, &phone));",
        caught_by=[CLI + "commands/contact_file.rs::every_header_variant_reads_as_its_row_says"],
        test="-p nxlink-cli --bin nxlink",
    ),
    dict(
        name="contact-id-also-a-variable",
        planted="the contactId column is sent as a variable as well as the id",
        kind="dropped case",
        file=CLI + "commands/contact_file.rs",
        old=".filter(|(k, _)| !OWN_COLUMNS.contains(&k.as_str()))",
        new=".filter(|(k, _)| !matches!(k.as_str(), PHONE | NAME))",
        caught_by=[CLI + "commands/contact_file.rs::every_header_variant_reads_as_its_row_says"],
        test="-p nxlink-cli --bin nxlink",
    ),
    dict(
        name="contact-misspelt-column-accepted",
        planted="a column spelt `contact_id` or `PhoneNumber` is taken as a variable",
        kind="dropped case",
        file=CLI + "commands/contact_file.rs",
        old="""        misspelt_own_column(column)?;
    }""",
        new="""    }""",
        caught_by=[CLI + "commands/contact_file.rs::every_header_variant_reads_as_its_row_says"],
        test="-p nxlink-cli --bin nxlink",
    ),
    # --- lenient numbers -------------------------------------------------------------
    dict(
        name="int32-text-parsed-narrowly",
        planted="a 32-bit field sent as text accepts only plain digits, so \"12.0\" and \"1e3\" fail the record",
        kind="partial input",
        file="crates/nxlink-models/src/runtime/lenient.rs",
        old="""    fn from_text(value: &str) -> Option<Self> {
        i64::from_text(value).and_then(Self::from_i64)
    }""",
        new="""    fn from_text(value: &str) -> Option<Self> {
        value.parse::<i32>().ok()
    }""",
        caught_by=["crates/nxlink-models/src/runtime/lenient.rs::every_numeric_form_for_every_width"],
        test="-p nxlink-models --lib",
    ),
    dict(
        name="empty-string-dropped",
        planted="a string field sent as \"\" decodes as absent, so the record is not written back as sent",
        kind="dropped case",
        file="crates/nxlink-models/src/runtime/lenient.rs",
        old="""    fn from_empty() -> Option<Self> {
        Some(String::new())
    }""",
        new="""    fn from_empty() -> Option<Self> {
        None
    }""",
        caught_by=["crates/nxlink-models/src/runtime/lenient.rs::a_string_keeps_empty_as_sent_and_is_trimmed"],
        test="-p nxlink-models --lib",
    ),
    # --- output paths ----------------------------------------------------------------
    dict(
        name="dev-stdout-truncates-an-append",
        planted="`-o /dev/stdout >> FILE` reopens FILE without appending and writes over what was there",
        kind="wrong value",
        file=CLI + "output.rs",
        old="return Ok(Plan::Direct { file: current, append: regular });",
        new="return Ok(Plan::Direct { file: current, append: false });",
        caught_by=["crates/nxlink-cli/tests/cli.rs::dev_stdout_redirected_to_a_file_keeps_the_shells_append_or_truncate"],
        test="-p nxlink-cli --test cli",
    ),
    dict(
        name="replaced-file-mode-lost",
        planted="the file an export replaces loses its mode (the new one is 0600)",
        kind="dropped step",
        file=CLI + "output.rs",
        old="handle.set_permissions(fs::Permissions::from_mode(existing.mode() & 0o7777))",
        new="Ok(())",
        caught_by=["crates/nxlink-cli/tests/cli.rs::an_existing_file_keeps_its_mode"],
        test="-p nxlink-cli --test cli",
    ),
    dict(
        name="cli-500-envelope-is-an-api-error",
        planted="an envelope under HTTP 500 exits 4 (API error) instead of 5 (server)",
        kind="wrong comparison",
        file=CLI + "error.rs",
        old="ApiCallError::Api(api) if api.status == 429 || api.status >= 500 =>",
        new="ApiCallError::Api(api) if api.status == 429 || api.status > 500 =>",
        caught_by=[CLI + "error.rs::each_error_maps_to_its_documented_exit_code"],
        test="-p nxlink-cli --bin nxlink",
    ),
    # --- the mock's family -----------------------------------------------------------
    dict(
        name="mock-blank-user-task-id-unique",
        planted="the mock holds a blank userTaskId unique, so a second create without one is refused",
        kind="partial input",
        file=MOCK + "family.rs",
        old="if let Some(user_task_id) = request.user_task_id.as_deref().filter(|id| !id.is_empty()) {",
        new="if let Some(user_task_id) = request.user_task_id.as_deref() {",
        caught_by=["crates/nxlink-mock/tests/family.rs::a_user_task_id_names_one_task_and_a_blank_one_names_none"],
        test="-p nxlink-mock --test family",
    ),
    dict(
        name="mock-duplicate-in-a-batch-added",
        planted="the mock adds a contact id repeated inside one batch twice",
        kind="dropped case",
        file=MOCK + "family.rs",
        old="""            if !contacts.ids.insert(contact.contact_id.clone()) {
                continue;
            }""",
        new="""            contacts.ids.insert(contact.contact_id.clone());""",
        caught_by=["crates/nxlink-mock/tests/family.rs::a_contact_id_is_held_once_per_task"],
        test="-p nxlink-mock --test family",
    ),
    dict(
        name="mock-delete-by-task-id-first",
        planted="delete finds the task by taskId before userTaskId, against the documented priority",
        kind="wrong order",
        file=MOCK + "family.rs",
        old="Some(user_task_id) => self.tasks.iter().find(|t| t.user_task_id.as_deref() == Some(user_task_id)),",
        new="Some(user_task_id) => self.tasks.iter().find(|t| t.task_id.as_deref() == request.task_id.as_deref()).or_else(|| self.tasks.iter().find(|t| t.user_task_id.as_deref() == Some(user_task_id))),",
        caught_by=["crates/nxlink-mock/tests/family.rs::only_a_pending_contact_is_deleted_found_by_user_task_id_first"],
        test="-p nxlink-mock --test family",
    ),
    dict(
        name="mock-dialed-contact-deleted",
        planted="the mock deletes a contact that was already dialed",
        kind="dropped case",
        file=MOCK + "family.rs",
        old="Some(at) if !contacts.list[at].dialed => {",
        new="Some(at) => {",
        caught_by=["crates/nxlink-mock/tests/family.rs::only_a_pending_contact_is_deleted_found_by_user_task_id_first"],
        test="-p nxlink-mock --test family",
    ),
    # --- docs diff and apply ---------------------------------------------------------
    dict(
        name="docs-data-row-compared",
        planted="the envelope's `data` row is compared as a field, so every page reports it added",
        kind="dropped case",
        file="xtask/src/docs/diff.rs",
        old="Table { rows: table.rows.iter().filter(|r| r.cell(0) != data).cloned().collect(), ..table.clone() };",
        new="Table { rows: table.rows.to_vec(), ..table.clone() }; let _ = data;",
        caught_by=["tests/docs_tools.rs::the_stored_page_and_the_spec_agree"],
        test="-p nxlink-tests --test docs_tools",
    ),
    dict(
        name="docs-apply-keeps-the-old-type",
        planted="applying a type change writes the spec's old type back",
        kind="wrong variable",
        file="xtask/src/docs/apply.rs",
        old="""                FieldChange::Type { page, .. } => {""",
        new="""                FieldChange::Type { spec: page, .. } => {""",
        caught_by=["tests/docs_tools.rs::every_table_and_every_change_kind_is_named_then_applied_or_left_by_hand"],
        test="-p nxlink-tests --test docs_tools",
    ),
    dict(
        name="docs-removed-value-left-in-groups",
        planted="removing an enum value leaves it in the enum's groups, so the edited spec does not validate",
        kind="dropped step",
        file="xtask/src/docs/apply.rs",
        old="*line = without_group_member(line, *value);",
        new="let _ = (line, value);",
        caught_by=["tests/docs_tools.rs::every_table_and_every_change_kind_is_named_then_applied_or_left_by_hand"],
        test="-p nxlink-tests --test docs_tools",
    ),
    # --- signatures ------------------------------------------------------------------
    dict(
        name="blank-header-counts-as-sent",
        planted="the verifier takes a blank header as present",
        kind="partial input",
        file="crates/nxlink-auth/src/verify.rs",
        old="|name: &'static str| header(name).filter(|value| !value.is_empty()).ok_or(VerifyError::MissingHeader(name));",
        new="|name: &'static str| header(name).ok_or(VerifyError::MissingHeader(name));",
        caught_by=["crates/nxlink-auth/src/verify.rs::each_missing_or_empty_header_is_1001_and_named"],
        test="-p nxlink-auth --lib",
    ),
]
