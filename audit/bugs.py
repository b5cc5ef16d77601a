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
        name="once-looks-up-the-wrong-field",
        planted="send_once looks a lost create up by comparing the key with the items' result field (the task id), finds nothing and sends again",
        kind="wrong variable",
        file=CLIENT + "once.rs",
        old="item.get(lookup.key).and_then(Value::as_str) == Some(key)",
        new="item.get(lookup.result).and_then(Value::as_str) == Some(key)",
        caught_by=["crates/nxlink-client/tests/family.rs::send_once_finds_the_task_a_lost_create_made"],
        test="-p nxlink-client --test family",
    ),
    dict(
        name="resend-once-too-many",
        planted="send_once sends an append once more than the retry budget allows",
        kind="wrong comparison",
        file=CLIENT + "once.rs",
        old="Err(Error::MaybeApplied { .. }) if attempt < attempts => {",
        new="Err(Error::MaybeApplied { .. }) if attempt <= attempts => {",
        caught_by=["crates/nxlink-client/tests/family.rs::send_once_gives_up_on_an_append_after_the_retry_budget"],
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
        name="string-trimmed",
        planted="a string field is trimmed as it is decoded, so the record does not come back as the server sent it",
        kind="partial input",
        file="crates/nxlink-models/src/runtime/lenient.rs",
        old="return Ok(Sent(T::from_text(v), false));",
        new="return Ok(Sent(T::from_text(v.trim()), false));",
        caught_by=["crates/nxlink-models/src/runtime/lenient.rs::a_string_is_kept_exactly_as_sent"],
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
        caught_by=["crates/nxlink-cli/tests/output.rs::dev_stdout_redirected_to_a_file_keeps_the_shells_append_or_truncate"],
        test="-p nxlink-cli --test output",
    ),
    dict(
        name="replaced-file-mode-lost",
        planted="the file an export replaces loses its mode (the new one is 0600)",
        kind="dropped step",
        file=CLI + "output.rs",
        old="handle.set_permissions(fs::Permissions::from_mode(existing.mode() & 0o7777))",
        new="Ok(())",
        caught_by=["crates/nxlink-cli/tests/output.rs::an_existing_file_keeps_its_mode"],
        test="-p nxlink-cli --test output",
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
        file=MOCK + "server/endpoints/create_task.rs",
        old="if let Some(user_task_id) = request.user_task_id.as_deref().filter(|id| !id.is_empty()) {",
        new="if let Some(user_task_id) = request.user_task_id.as_deref() {",
        caught_by=["crates/nxlink-mock/tests/family.rs::a_user_task_id_names_one_task_and_a_blank_one_names_none"],
        test="-p nxlink-mock --test family",
    ),
    dict(
        name="mock-duplicate-in-a-batch-added",
        planted="the mock adds a contact id repeated inside one batch twice",
        kind="dropped case",
        file=MOCK + "server/endpoints/append_contacts.rs",
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
        file=MOCK + "server/endpoints/delete_contact.rs",
        old="Some(user_task_id) => family.tasks.iter().find(|t| t.user_task_id.as_deref() == Some(user_task_id)),",
        new="Some(user_task_id) => family.tasks.iter().find(|t| t.task_id.as_deref() == request.task_id.as_deref()).or_else(|| family.tasks.iter().find(|t| t.user_task_id.as_deref() == Some(user_task_id))),",
        caught_by=["crates/nxlink-mock/tests/family.rs::only_a_pending_contact_is_deleted_found_by_user_task_id_first"],
        test="-p nxlink-mock --test family",
    ),
    dict(
        name="mock-dialed-contact-deleted",
        planted="the mock deletes a contact that was already dialed",
        kind="dropped case",
        file=MOCK + "server/endpoints/delete_contact.rs",
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
    # --- scans (the gaps the promise review found) -----------------------------------
    dict(
        name="scan-concurrency-zero",
        planted="`concurrency(0)` is kept as 0, so a scan schedules nothing and ends at once with no records and no error",
        kind="dropped guard",
        file=CLIENT + "client.rs",
        old="self.concurrency = pages.max(1);",
        new="self.concurrency = pages;",
        caught_by=["crates/nxlink-client/tests/scans.rs::a_concurrency_of_zero_scans_one_page_at_a_time"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="scan-refetch-queued-last",
        planted="a page fetched again is queued behind the pages in flight, so pages come out of order",
        kind="wrong call",
        file=CLIENT + "paginate.rs",
        old="this.in_flight.push_front(future);",
        new="this.in_flight.push_back(future);",
        caught_by=["crates/nxlink-client/tests/scans.rs::a_page_fetched_again_keeps_its_place_in_the_order"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="scan-goes-on-after-a-failed-page",
        planted="a page that failed after its retries does not end the scan; later pages follow the error",
        kind="dropped step",
        file=CLIENT + "paginate.rs",
        old="""                    // silently skip its records.
                    this.exhausted = true;""",
        new="""                    // silently skip its records.""",
        caught_by=["crates/nxlink-client/tests/scans.rs::a_page_that_fails_ends_the_scan"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="scan-drops-items-without-an-id",
        planted="an item whose id is absent is treated as seen and skipped",
        kind="partial input",
        file=CLIENT + "paginate.rs",
        old="let fresh = Op::item_id(&item).is_none_or(|id| this.recent.insert(id));",
        new="let fresh = Op::item_id(&item).is_some_and(|id| this.recent.insert(id));",
        caught_by=["crates/nxlink-client/tests/scans.rs::records_without_an_id_are_all_yielded"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="scan-stops-without-a-total",
        planted="a page without `total` is taken as the last page",
        kind="partial input",
        file=CLIENT + "paginate.rs",
        old="self.last_page = Some(i64::MAX);",
        new="self.last_page = Some(page);",
        caught_by=["crates/nxlink-client/tests/scans.rs::without_a_total_the_scan_goes_on_to_an_empty_page"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="scan-page-gets-the-call-budget",
        planted="a page of a scan gets the single-call budget (4 attempts) instead of the page budget (10)",
        kind="wrong variable",
        file=CLIENT + "paginate.rs",
        old="let attempts = client.inner.retry.page_attempts();",
        new="let attempts = client.inner.retry.max_attempts();",
        caught_by=["crates/nxlink-client/tests/scans.rs::each_page_of_a_scan_gets_the_page_attempts"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="redirects-followed",
        planted="the HTTP client follows redirects, sending the signed request (key and signature) to whatever host a Location names",
        kind="dropped setting",
        file=CLIENT + "client.rs",
        old=""".redirect(reqwest::redirect::Policy::none());""",
        new=""";""",
        caught_by=["crates/nxlink-client/tests/scans.rs::a_redirect_is_not_followed"],
        test="-p nxlink-client --test scans",
    ),
    dict(
        name="cause-repeated",
        planted="an error's cause chain repeats each cause that the outer message already holds",
        kind="dropped check",
        file=CLIENT + "error.rs",
        old="if !shown.contains(&text) {",
        new="if !text.is_empty() {",
        caught_by=[CLIENT + "error.rs::a_cause_chain_shows_each_cause_once_down_to_the_root"],
        test="-p nxlink-client --lib",
    ),
    dict(
        name="extra-writes-a-known-key-twice",
        planted="an `extra` entry named like a known field is written after it, so the JSON has the key twice",
        kind="dropped check",
        file="crates/nxlink-models/src/runtime/drift.rs",
        old="""        if !known.contains(&key.as_str()) {
            map.serialize_entry(key, value)?;
        }""",
        new="""        let _ = known;
        map.serialize_entry(key, value)?;""",
        caught_by=["tests/models.rs::an_extra_entry_named_like_a_known_field_is_not_written_twice"],
        test="-p nxlink-tests --test models",
    ),
    # --- CLI wiring and defaults -----------------------------------------------------
    dict(
        name="cli-region-before-base-url",
        planted="within the environment, NXLINK_REGION is read before NXLINK_BASE_URL",
        kind="wrong order",
        file=CLI + "config.rs",
        old="""    if let Some(url) = sources.var(ENV_BASE_URL) {
        return found(url, ENV_BASE_URL.into());
    }
    if let Some(text) = sources.var(ENV_REGION) {
        let region = parse_region(&text, ENV_REGION)?;
        return found(region.api_gateway().into(), ENV_REGION.into());
    }""",
        new="""    if let Some(text) = sources.var(ENV_REGION) {
        let region = parse_region(&text, ENV_REGION)?;
        return found(region.api_gateway().into(), ENV_REGION.into());
    }
    if let Some(url) = sources.var(ENV_BASE_URL) {
        return found(url, ENV_BASE_URL.into());
    }""",
        caught_by=[CLI + "config.rs::within_one_level_a_base_url_beats_a_region"],
        test="-p nxlink-cli --bin nxlink",
    ),
    dict(
        name="cli-secret-untrimmed",
        planted="the secret's line is not trimmed, so a secret file written with padding or CRLF signs with the blanks",
        kind="partial input",
        file=CLI + "config.rs",
        old='text.lines().next().unwrap_or("").trim()',
        new='text.lines().next().unwrap_or("")',
        caught_by=[CLI + "config.rs::a_secret_file_gives_its_first_line_trimmed"],
        test="-p nxlink-cli --bin nxlink",
    ),
    dict(
        name="cli-home-not-expanded",
        planted="`~/` in a profile's secret_file is taken as a folder named `~`",
        kind="dropped case",
        file=CLI + "config.rs",
        old='if let Ok(rest) = path.strip_prefix("~") {',
        new='if let Ok(rest) = path.strip_prefix("~~") {',
        caught_by=["crates/nxlink-cli/tests/edges.rs::a_profile_secret_file_under_home_is_found"],
        test="-p nxlink-cli --test edges",
    ),
    dict(
        name="cli-country-code-dropped",
        planted="each batch starts from a fresh request, so `--country-code` is parsed and never sent",
        kind="dropped step",
        file=CLI + "commands/family.rs",
        old="let mut request = template.clone();",
        new="let mut request = AppendContactsRequest::new(template.task_id.clone(), Vec::new());",
        caught_by=["crates/nxlink-cli/tests/edges.rs::contacts_carry_the_country_code_in_batches_of_500_by_default"],
        test="-p nxlink-cli --test edges",
    ),
    dict(
        name="cli-limit-fetches-a-whole-page",
        planted="`calls export --limit 20` fetches a default page of 100",
        kind="dropped case",
        file=CLI + "commands/calls.rs",
        old="if limit < u64::try_from(default).unwrap_or(u64::MAX) {",
        new="if limit < 1 {",
        caught_by=["crates/nxlink-cli/tests/edges.rs::a_limit_below_a_page_asks_for_that_many_records"],
        test="-p nxlink-cli --test edges",
    ),
    dict(
        name="cli-sign-trims-the-body",
        planted="`nxlink sign --body FILE` drops the body's trailing newline before signing",
        kind="partial input",
        file=CLI + "commands/sign.rs",
        old="""    Ok(body)
}""",
        new="""    Ok(body.trim_ascii_end().to_vec())
}""",
        caught_by=["crates/nxlink-cli/tests/edges.rs::sign_signs_every_byte_of_the_body_a_trailing_newline_included"],
        test="-p nxlink-cli --test edges",
    ),
    dict(
        name="cli-allow-unsigned-ignored",
        planted="`callbacks listen --allow-unsigned` does not reach the receiver",
        kind="dropped step",
        file=CLI + "commands/callbacks.rs",
        old="let policy = if args.allow_unsigned { UnsignedPolicy::Allow } else { UnsignedPolicy::Reject };",
        new="let policy = UnsignedPolicy::Reject;",
        caught_by=["crates/nxlink-cli/tests/edges.rs::callbacks_listen_allow_unsigned_takes_unsigned_ones_and_still_checks_signed_ones"],
        test="-p nxlink-cli --test edges",
    ),
    dict(
        name="cli-idle-timeout-flag-ignored",
        planted="`callbacks listen --idle-timeout` is parsed and not passed on",
        kind="dropped step",
        file=CLI + "args.rs",
        old="limits = limits.with_idle_timeout(timeout);",
        new="let _ = timeout;",
        caught_by=[CLI + "args.rs::every_listen_limit_flag_reaches_the_server_limits"],
        test="-p nxlink-cli --bin nxlink",
    ),
    dict(
        name="cli-three-links",
        planted="`-o` follows at most 3 symbolic links instead of Linux's 40",
        kind="wrong value",
        file=CLI + "output.rs",
        old="const MAX_LINKS: usize = 40;",
        new="const MAX_LINKS: usize = 3;",
        caught_by=["crates/nxlink-cli/tests/edges.rs::forty_links_in_a_row_are_followed_and_forty_one_are_refused"],
        test="-p nxlink-cli --test edges",
    ),
    dict(
        name="cli-append-one-batch-at-a-time",
        planted="`contacts append` sends one batch at a time instead of eight",
        kind="wrong value",
        file=CLI + "commands/family.rs",
        old="const APPEND_CONCURRENCY: usize = 8;",
        new="const APPEND_CONCURRENCY: usize = 1;",
        caught_by=["crates/nxlink-cli/tests/edges.rs::exports_keep_four_pages_and_appends_eight_batches_in_flight_by_default"],
        test="-p nxlink-cli --test edges",
    ),
    # --- the mock's knobs ------------------------------------------------------------
    dict(
        name="mock-callback-tried-once",
        planted="the mock gives up on a callback after one refused attempt",
        kind="wrong value",
        file=MOCK + "server/dialer.rs",
        old="for attempt in 0..3 {",
        new="for attempt in 0..1 {",
        caught_by=["crates/nxlink-mock/tests/knobs.rs::a_refused_callback_is_sent_three_times_signed_with_the_creators_key"],
        test="-p nxlink-mock --test knobs",
    ),
    dict(
        name="mock-callback-signed-with-the-demo-key",
        planted="callbacks are signed with the demo key pair, not the one that created the task",
        kind="wrong variable",
        file=MOCK + "server/dialer.rs",
        old="""        let Some(secret) = nxlink_auth::SecretStore::secret_for(self.verifier.secrets(), &callback.access_key) else {
            return;
        };
        let signer = nxlink_auth::Signer::new(Credentials::new(callback.access_key.clone(), secret.expose_secret()));""",
        new="""        let Some(secret) = nxlink_auth::SecretStore::secret_for(self.verifier.secrets(), crate::DEMO_ACCESS_KEY) else {
            return;
        };
        let signer = nxlink_auth::Signer::new(Credentials::new(crate::DEMO_ACCESS_KEY, secret.expose_secret()));""",
        caught_by=["crates/nxlink-mock/tests/knobs.rs::a_refused_callback_is_sent_three_times_signed_with_the_creators_key"],
        test="-p nxlink-mock --test knobs",
    ),
    dict(
        name="mock-log-keeps-the-oldest",
        planted="a full request log drops the newest request instead of the oldest",
        kind="wrong call",
        file=MOCK + "server/handler.rs",
        old="log.pop_front();",
        new="log.pop_back();",
        caught_by=["crates/nxlink-mock/tests/knobs.rs::the_request_log_keeps_the_latest_requests_up_to_its_capacity"],
        test="-p nxlink-mock --test knobs",
    ),
    dict(
        name="mock-live-uncapped",
        planted="the builder's live-insert rate is not capped",
        kind="dropped guard",
        file=MOCK + "server/builder.rs",
        old="self.live = records_per_request.min(MAX_LIVE_PER_REQUEST);",
        new="self.live = records_per_request;",
        caught_by=["crates/nxlink-mock/tests/knobs.rs::live_inserts_are_capped"],
        test="-p nxlink-mock --test knobs",
    ),
    dict(
        name="mock-binary-dial-ms-dropped",
        planted="`nxlink-mock --dial-ms` is parsed and never turns the dialer on",
        kind="dropped step",
        file="crates/nxlink-mock-cli/src/main.rs",
        old="""        .dial_ms(args.dial_ms);""",
        new=""";
    let _ = args.dial_ms;""",
        caught_by=["crates/nxlink-mock-cli/tests/cli.rs::binary_prints_url_keys_and_tasks_then_serves"],
        test="-p nxlink-mock-cli --test cli",
    ),
    # --- the maintainer's tools -------------------------------------------------------
    dict(
        name="apply-writes-an-invalid-spec",
        planted="`docs apply` writes its edits even when the edited spec does not validate",
        kind="dropped check",
        file="xtask/src/docs/apply.rs",
        old="""    crate::spec::load_sources(sources.clone())
        .map_err(|errors| format!("the edited spec does not validate:\\n{errors}"))?;""",
        new="""    let _ = crate::spec::load_sources(sources.clone());""",
        caught_by=["xtask/tests/docs_cli.rs::apply_writes_nothing_when_the_edited_spec_would_not_validate"],
        test="-p xtask --test docs_cli",
    ),
    dict(
        name="codegen-check-exits-0",
        planted="`cargo xtask codegen --check` exits 0 when a file is stale",
        kind="dropped case",
        file="xtask/src/main.rs",
        old="Ok(stale) if check && !stale.is_empty() => {",
        new="Ok(stale) if check && stale.len() > 1_000 => {",
        caught_by=["xtask/tests/docs_cli.rs::codegen_check_names_a_stale_file_exits_1_and_writes_nothing"],
        test="-p xtask --test docs_cli",
    ),
    # --- your own HTTP client ---------------------------------------------------------
    dict(
        name="given-http-client-ignored",
        planted="`http_client(..)` is accepted but the builder makes its own client anyway, so the caller's proxy, roots and headers are silently dropped",
        kind="wrong variable",
        file=CLIENT + "client.rs",
        old="""                given
            }""",
        new="""                let _ = given;
                own_http_client(DEFAULT_CONNECT_TIMEOUT)?
            }""",
        caught_by=[
            "crates/nxlink-client/tests/http_client.rs::the_given_client_sends_with_its_default_headers_and_the_sdks_user_agent",
            "crates/nxlink-client/tests/http_client.rs::calls_go_through_the_proxy_of_the_given_client_loopback_included",
        ],
        test="-p nxlink-client --test http_client",
    ),
    dict(
        name="user-agent-left-to-the-http-client",
        planted="the User-Agent is no longer set on each request, so a given client sends its own (or none) and `app_name` is lost",
        kind="dropped step",
        file=CLIENT + "execute.rs",
        old="""            .header(USER_AGENT, inner.user_agent.clone())
""",
        new="",
        caught_by=["crates/nxlink-client/tests/http_client.rs::the_given_client_sends_with_its_default_headers_and_the_sdks_user_agent"],
        test="-p nxlink-client --test http_client",
    ),
    dict(
        name="proxy-variables-turned-off",
        planted="the builder's own client is built with `.no_proxy()`, so HTTP_PROXY / HTTPS_PROXY / NO_PROXY are silently ignored",
        kind="wrong call",
        file=CLIENT + "client.rs",
        old=""".redirect(reqwest::redirect::Policy::none());""",
        new=""".redirect(reqwest::redirect::Policy::none()).no_proxy();""",
        caught_by=["crates/nxlink-client/tests/http_client.rs::clients_honour_the_proxy_variables_unless_told_not_to"],
        test="-p nxlink-client --test http_client",
    ),
    dict(
        name="changelog-removed-field-not-breaking",
        planted="a removed field is listed under Removed but marked not breaking, so the entry proposes a patch release for a change that stops users' code compiling",
        kind="wrong constant",
        file="xtask/src/changelog/rules.rs",
        old="""out.push(Change::new(Section::Removed, item, fact, true, "a removed field"));""",
        new="""out.push(Change::new(Section::Removed, item, fact, false, "a removed field"));""",
        caught_by=["xtask/src/changelog/rules.rs::each_kind_of_change_is_one_line_marked_by_the_rules"],
        test="-p xtask --lib changelog",
    ),
    dict(
        name="changelog-default-of-a-required-field-ignored",
        planted="every new required request field is breaking, even one with a default that `new()` does not take as an argument",
        kind="dropped condition",
        file="xtask/src/changelog/rules.rs",
        old="""if request && f.required && f.default.is_none() {""",
        new="""if request && f.required {""",
        caught_by=["xtask/src/changelog/rules.rs::each_kind_of_change_is_one_line_marked_by_the_rules"],
        test="-p xtask --lib changelog",
    ),
    dict(
        name="stats-rate-over-every-record",
        planted="the answer rate divides by every record, calls still in progress included, instead of the finished ones",
        kind="wrong variable",
        file=CLI + "stats/mod.rs",
        old="""answer_rate: (self.finished > 0).then(|| self.answered as f64 / self.finished as f64),""",
        new="""answer_rate: (self.finished > 0).then(|| self.answered as f64 / self.records as f64),""",
        caught_by=["crates/nxlink-cli/tests/stats.rs::calls_still_in_progress_are_left_out_of_the_rate"],
        test="-p nxlink-cli --test stats",
    ),
    dict(
        name="stats-percentile-one-rank-high",
        planted="the nearest-rank percentile takes the value one rank above (rank, not rank - 1)",
        kind="off by one",
        file=CLI + "stats/mod.rs",
        old="""sorted.get(usize::try_from(rank - 1).ok()?).copied()""",
        new="""sorted.get(usize::try_from(rank).ok()?).or(sorted.last()).copied()""",
        caught_by=["crates/nxlink-cli/tests/stats.rs::the_figures_are_those_of_the_records"],
        test="-p nxlink-cli --test stats",
    ),
    # --- Parquet export (issue 26) -----------------------------------------------------
    dict(
        name="parquet-extra-drops-the-unknown-fields",
        planted="a field the spec does not know is read and dropped instead of kept for the `extra` column, so unknown fields are lost from a Parquet export",
        kind="dropped step",
        file=CLI + "parquet/fill.rs",
        old="""            batch.unknown.insert(batch.key.clone(), serde_json::to_value(value)?);""",
        new="""            serde_json::to_value(value)?;""",
        caught_by=[
            "crates/nxlink-cli/tests/parquet.rs::parquet_holds_what_jsonl_holds_record_by_record_as_pyarrow_reads_it",
            CLI + "parquet/fill.rs::call_records_are_filed_as_their_json_was",
        ],
        test="-p nxlink-cli --bin nxlink --test parquet",
    ),
    dict(
        name="parquet-last-row-group-not-written",
        planted="closing a Parquet file writes the footer without the records still held, so every export loses its last (often only) row group",
        kind="dropped step",
        file=CLI + "parquet/mod.rs",
        old="""    fn close(mut self) -> io::Result<W> {
        self.flush()?;
        self.writer""",
        new="""    fn close(self) -> io::Result<W> {
        self.writer""",
        caught_by=[
            "crates/nxlink-cli/tests/parquet.rs::parquet_holds_what_jsonl_holds_record_by_record_as_pyarrow_reads_it",
            "crates/nxlink-cli/tests/parquet.rs::a_day_partitioned_dataset_reads_as_one_table_equal_to_jsonl_each_record_under_its_day",
        ],
        test="-p nxlink-cli --test parquet",
    ),
    dict(
        name="partition-by-queue-time",
        planted="`--partition-by day` files a record under the day it was queued (`createTs`) instead of the day the call started, so a call dialled just after midnight lands in the day before",
        kind="wrong variable",
        file=CLI + "commands/calls.rs",
        old="""fn partition_time(record: &CallRecord) -> Option<i64> {
    record.call_start
}""",
        new="""fn partition_time(record: &CallRecord) -> Option<i64> {
    record.create_ts
}""",
        caught_by=[CLI + "commands/calls.rs::a_call_queued_before_midnight_and_started_after_goes_under_the_day_it_started"],
        test="-p nxlink-cli --bin nxlink",
    ),
    # --- calls sync ------------------------------------------------------------------
    dict(
        name="sync-watermark-moved-per-page",
        planted="the watermark moves to the newest record with the first committed page instead of when the scan is complete, so a run killed half-way skips the older records next time",
        kind="wrong variable",
        file=CLI + "sync/mod.rs",
        old="""            let page_counts = store.commit_page(task, &rows, &scan).await?;""",
        new="""            let page_counts = store.commit_page(task, &rows, &State { watermark: scan.scan_top, ..scan }).await?;""",
        caught_by=["crates/nxlink-cli/tests/sync.rs::a_run_killed_half_way_then_run_again_has_every_record_once"],
        test="-p nxlink-cli --test sync",
    ),
    dict(
        name="sync-sqlite-upsert-keeps-the-old-row",
        planted="the SQLite upsert sets each column to its stored value on conflict (an insert that never updates), so a changed record or a new column is never written",
        kind="wrong argument",
        file=CLI + "sync/sqlite.rs",
        old=""".map(|(c, _)| format!("{0} = excluded.{0}", quote(c)))""",
        new=""".map(|(c, _)| format!("{0} = {0}", quote(c)))""",
        caught_by=[
            "crates/nxlink-cli/tests/sync.rs::a_column_missing_from_the_table_is_added_and_filled_then_rows_are_updated_in_place"
        ],
        test="-p nxlink-cli --test sync",
    ),
    dict(
        name="sync-postgres-new-column-left-unfilled",
        planted="PostgreSQL: adding a column no longer resets the stored hashes, so records already stored count as unchanged and the new column stays empty",
        kind="dropped step",
        file=CLI + "sync/postgres.rs",
        old="""                let reset = format!("UPDATE {} SET {} = NULL", quote(TABLE), quote(schema::HASH));""",
        new="""                let reset = format!("UPDATE {} SET {} = {1}", quote(TABLE), quote(schema::HASH));""",
        caught_by=[
            "crates/nxlink-cli/tests/sync.rs::a_column_missing_from_the_table_is_added_and_filled_then_rows_are_updated_in_place"
        ],
        test="-p nxlink-cli --test sync",
    ),
    # --- calls stats --from -----------------------------------------------------------
    dict(
        name="readback-dataset-not-walked",
        planted="a Parquet dataset directory is listed one level deep, so the files under its `date=...` partitions are never read",
        kind="dropped case",
        file=CLI + "parquet/read.rs",
        old="""            if entry.is_dir() {
                pending.push(entry);
            } else if""",
        new="""            if""",
        caught_by=[
            CLI + "parquet/read.rs::a_dataset_is_its_visible_parquet_files_in_order",
            "crates/nxlink-cli/tests/stats.rs::every_source_gives_the_api_figures_and_only_the_task_and_since_select_it",
        ],
        test="-p nxlink-cli --bin nxlink --test stats",
    ),
    dict(
        name="readback-extra-dropped",
        planted="a stored row reads back without the fields of its `extra` column, so what the spec does not know is lost on the way out of the database",
        kind="partial input",
        file=CLI + "sync/schema.rs",
        old="""            for (name, value) in fields {
                object.entry(name).or_insert(value);
            }
        }
        other => return Err(format!("column {EXTRA}: expected a JSON object, got {other}")),""",
        new="""            drop(fields);
        }
        other => return Err(format!("column {EXTRA}: expected a JSON object, got {other}")),""",
        caught_by=[CLI + "sync/sqlite.rs::stored_rows_read_back_as_their_records"],
        test="-p nxlink-cli --bin nxlink",
    ),
    dict(
        name="sync-widen-keeps-the-hashes",
        planted="PostgreSQL: after widening a column whose type the spec changed, the stored hashes are reset only when a column was added, so the stored rows keep the old type's values",
        kind="wrong variable",
        file=CLI + "sync/postgres.rs",
        old="""            if !migration.is_empty() {""",
        new="""            if !migration.added.is_empty() {""",
        caught_by=[
            "crates/nxlink-cli/tests/sync.rs::a_field_whose_type_the_spec_changed_gets_a_column_that_holds_old_and_new_values"
        ],
        test="-p nxlink-cli --test sync",
    ),
    # --- Parquet: records filed by a serde Serializer ------------------------------------
    dict(
        name="parquet-fill-empty-list-null",
        planted="the Parquet serializer writes an empty list as null, so a record's `attributes: []` comes back as a list never sent",
        kind="dropped case",
        file=CLI + "parquet/fill.rs",
        old="""                valid.push(true);
                offsets.push(end);""",
        new="""                valid.push(count > 0);
                offsets.push(end);""",
        caught_by=[
            CLI + "parquet/fill.rs::call_records_are_filed_as_their_json_was",
            CLI + "parquet/read.rs::every_record_reads_back_as_it_was_written",
        ],
        test="-p nxlink-cli --bin nxlink",
    ),
]
