//! The seeded synthetic dataset: call records that look and hang together like real
//! ones.

use nxlink_models::{Attribute, CallRecord, CallResult, CallStatus};

/// The task most demo records belong to (about 40 % of them); the task id of the
/// vendor's request example.
pub const DEMO_TASK_ID: &str = "8bdf2a84-fc89-483e-ba1e-35a54285c7d0";

/// Every task of the dataset, [`DEMO_TASK_ID`] first. Records of other task ids do not
/// exist: a query for one answers `total: 0`.
pub const TASK_IDS: &[&str] = &[
    DEMO_TASK_ID,
    "972e65ad-bfa5-4f35-845f-1867009b2c34",
    "52145b00-abc9-4a87-94c2-ed1e1e42ec1c",
    "3f1c9d7e-5a2b-4c8d-9e0f-1a2b3c4d5e6f",
    "c0ffee00-1234-4abc-8def-0123456789ab",
];

/// `createTs` of the newest generated record: 2025-05-01T00:00:00Z, in Unix seconds.
///
/// Fixed, not "now", so that a seed always gives the same dataset.
pub const DATASET_END_TS: i64 = 1_746_057_600;

/// The generated records' `createTs` spread evenly over this many seconds (180 days)
/// before [`DATASET_END_TS`].
pub const DATASET_SPAN_SECS: i64 = 180 * 86_400;

/// Record ids are `FIRST_ID + 1 ..= FIRST_ID + len`, the newest record has the largest;
/// records inserted by live mode continue after the largest.
pub const FIRST_ID: i64 = 100_000;

/// The largest dataset [`Dataset::generate`] builds; larger requests are capped.
pub const MAX_RECORDS: usize = 10_000_000;

/// Intents (`userIntent`) given to connected calls (results 1, 3 and 17).
pub const USER_INTENTS: &[&str] =
    &["Interested", "Not Interested", "Call Back Later", "Already Purchased", "Needs More Info", "Wrong Number"];

/// A seeded, deterministic set of call records, newest first.
///
/// The same seed and length always give the same records, on every platform: the
/// generator is a hand-written SplitMix64, not a library RNG whose algorithm could
/// change under us. Each record is derived from `(seed, index)` alone, so generation
/// runs on all cores and still gives the same result.
///
/// What holds for every record (the tests check each point):
///
/// - "newest first": `createTs` never increases along the slice, ties ordered by
///   `id`, largest first; ids are unique;
/// - `createTs <= callStart == opTs <= callAnswer <= callEnd`;
/// - answered calls (status `Completed`, results 1, 2, 3, 17, 18, 20) have
///   `callAnswer`, `callRingTime = callAnswer - callStart` and
///   `callElapsed = callEnd - callAnswer > 0`; unanswered ones have no `callAnswer`,
///   `callElapsed = 0` and `callEnd = callStart + callRingTime`;
/// - `callResult` fits `callStatus`: connected results only with `Completed`, a busy
///   line with `User Busy`, and so on; only final statuses occur;
/// - `userIntent` is non-empty only for connected results (a subset of the documented
///   1, 3, 17, 21), `""` otherwise;
/// - `calleePhone` is a plausible number of the task's country (`852` + 8 digits,
///   `628` + 10 digits, `1` + 10 digits), equal to `realPhone` and to the
///   `sys.phoneNumber` attribute;
/// - every field is present; `callAnswer` is the only one left out (unanswered calls).
#[derive(Debug, Clone)]
pub struct Dataset {
    seed: u64,
    records: Vec<CallRecord>,
    by_task: Vec<Vec<u32>>,
}

impl Dataset {
    /// Generates `len` records (capped at [`MAX_RECORDS`]) from `seed`.
    pub fn generate(seed: u64, len: usize) -> Self {
        let len = len.min(MAX_RECORDS);
        let threads = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 8);
        let chunk = len.div_ceil(threads).max(1);
        // Filled in place, chunk by chunk on every core: no second copy of the records.
        let mut records = Vec::new();
        records.resize_with(len, CallRecord::default);
        let mut tasks = vec![0_u8; len];
        std::thread::scope(|scope| {
            for (number, (records, tasks)) in records.chunks_mut(chunk).zip(tasks.chunks_mut(chunk)).enumerate() {
                scope.spawn(move || {
                    let start = number * chunk;
                    for (offset, (slot, task)) in records.iter_mut().zip(tasks.iter_mut()).enumerate() {
                        (*slot, *task) = generate_record(seed, start + offset, len);
                    }
                });
            }
        });
        let mut by_task = vec![Vec::new(); TASK_IDS.len()];
        for (index, &task) in tasks.iter().enumerate() {
            // `len <= MAX_RECORDS < u32::MAX`.
            by_task[usize::from(task)].push(index as u32);
        }
        Self { seed, records, by_task }
    }

    /// The seed the records were generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every record, newest first.
    pub fn records(&self) -> &[CallRecord] {
        &self.records
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records of one task, newest first; none for an unknown task id.
    pub fn task_records<'a>(&'a self, task_id: &str) -> impl DoubleEndedIterator<Item = &'a CallRecord> + 'a {
        let indices = task_index(task_id).map_or(&[][..], |task| &self.by_task[task][..]);
        indices.iter().map(|&index| &self.records[index as usize])
    }

    /// Number of records of one task.
    pub fn task_len(&self, task_id: &str) -> usize {
        task_index(task_id).map_or(0, |task| self.by_task[task].len())
    }

    /// The `n`-th record added by live mode (0-based) to `task_id`, created at
    /// `create_ts`: derived from the seed and `n` like every other record, with id
    /// `FIRST_ID + len + n + 1` so it never collides with a generated one.
    ///
    /// `None` for a task id that is not in [`TASK_IDS`].
    pub fn live_record(&self, n: u64, task_id: &str, create_ts: i64) -> Option<CallRecord> {
        let task = task_index(task_id)?;
        let mut rng = SplitMix64::for_record(self.seed ^ LIVE_STREAM, n);
        let id = FIRST_ID.saturating_add(self.records.len() as i64).saturating_add(n as i64).saturating_add(1);
        Some(build_record(&mut rng, task, id, create_ts))
    }
}

impl Dataset {
    /// The record of a call the mock's dialer places for `task_id` (any task: one the
    /// dataset does not know dials with the first task's profile), the `n`-th dialed,
    /// following the same rules as the generated records.
    pub fn dialed_record(&self, n: u64, task_id: &str, create_ts: i64) -> CallRecord {
        let task = task_index(task_id).unwrap_or(0);
        let mut rng = SplitMix64::for_record(self.seed ^ DIAL_STREAM, n);
        // Above the generated records and well clear of live inserts.
        let id = FIRST_ID.saturating_add(self.records.len() as i64).saturating_add(1 << 40).saturating_add(n as i64);
        let mut record = build_record(&mut rng, task, id, create_ts);
        record.task_id = Some(task_id.to_owned());
        record
    }
}

/// Separates the random stream of dialed records from the others.
const DIAL_STREAM: u64 = 0x4449_414c_4449_414c;

/// Position of a task id in [`TASK_IDS`].
fn task_index(task_id: &str) -> Option<usize> {
    TASK_IDS.iter().position(|id| *id == task_id)
}

/// Separates the random stream of live records from the generated ones.
const LIVE_STREAM: u64 = 0x4c49_5645_4c49_5645;

/// A task's fixed traits: country, agent, lines.
struct TaskProfile {
    weight: u64,
    country: Country,
    auto_flow_id: i64,
    auto_flow_name: &'static str,
    caller_phones: &'static [&'static str],
    line_prefix: &'static str,
    route_id: &'static str,
    call_callback_url: &'static str,
    order_callback_url: &'static str,
    agent_group: (&'static str, &'static str),
    /// A task variable beyond `sys.name` / `sys.phoneNumber`: (display name, key, value prefix).
    extra_attribute: Option<(&'static str, &'static str, &'static str)>,
}

/// One profile per entry of [`TASK_IDS`], same order.
const TASKS: [TaskProfile; 5] = [
    TaskProfile {
        weight: 40,
        country: Country::HongKong,
        auto_flow_id: 207,
        auto_flow_name: "HK renewal reminder",
        caller_phones: &["85230011001", "85230011002", "85230011003"],
        line_prefix: "line-hk",
        route_id: "route-hk-a",
        call_callback_url: "https://crm.example.com/nxlink/call-callback",
        order_callback_url: "https://crm.example.com/nxlink/order-callback",
        agent_group: ("HK Sales", "grp-hk-01"),
        extra_attribute: Some(("Policy Number", "policyNo", "HK-POL-")),
    },
    TaskProfile {
        weight: 15,
        country: Country::HongKong,
        auto_flow_id: 211,
        auto_flow_name: "test-ai agent",
        caller_phones: &["85230022001"],
        line_prefix: "line-hk",
        route_id: "route-hk-b",
        call_callback_url: "",
        order_callback_url: "",
        agent_group: ("HK Support", "grp-hk-02"),
        extra_attribute: None,
    },
    TaskProfile {
        weight: 20,
        country: Country::Indonesia,
        auto_flow_id: 305,
        auto_flow_name: "ID loan collection",
        caller_phones: &["622130001001", "622130001002"],
        line_prefix: "line-id",
        route_id: "route-id-a",
        call_callback_url: "https://hooks.example.co.id/nxlink/call",
        order_callback_url: "",
        agent_group: ("ID Collection", "grp-id-01"),
        extra_attribute: Some(("Amount Due", "amountDue", "IDR ")),
    },
    TaskProfile {
        weight: 10,
        country: Country::Indonesia,
        auto_flow_id: 306,
        auto_flow_name: "ID survey",
        caller_phones: &["622130002001"],
        line_prefix: "line-id",
        route_id: "route-id-b",
        call_callback_url: "",
        order_callback_url: "",
        agent_group: ("ID Survey", "grp-id-02"),
        extra_attribute: None,
    },
    TaskProfile {
        weight: 15,
        country: Country::UnitedStates,
        auto_flow_id: 412,
        auto_flow_name: "US appointment confirmation",
        caller_phones: &["14155550100", "14155550101"],
        line_prefix: "line-us",
        route_id: "route-us-west",
        call_callback_url: "https://api.example.com/hooks/nxlink",
        order_callback_url: "https://api.example.com/hooks/nxlink-order",
        agent_group: ("US Front Desk", "grp-us-01"),
        extra_attribute: Some(("Appointment", "appointmentId", "APT-")),
    },
];

#[derive(Clone, Copy)]
enum Country {
    HongKong,
    Indonesia,
    UnitedStates,
}

/// The `index`-th record (0 = newest) of a dataset of `len` records, and the position
/// of its task in [`TASK_IDS`].
fn generate_record(seed: u64, index: usize, len: usize) -> (CallRecord, u8) {
    let mut rng = SplitMix64::for_record(seed, index as u64);
    // createTs decreases along the slice: floor((index * span + jitter) / len) with a
    // jitter below `span` grows with `index`, so the order holds and ties are rare.
    let span = DATASET_SPAN_SECS as u128;
    let offset = (index as u128 * span + u128::from(rng.below(DATASET_SPAN_SECS as u64))) / (len.max(1) as u128);
    let create_ts = DATASET_END_TS - offset as i64;
    let id = FIRST_ID + (len - index) as i64;
    let task = pick_task(&mut rng);
    (build_record(&mut rng, task, id, create_ts), task as u8)
}

/// A task position in [`TASKS`], by weight.
fn pick_task(rng: &mut SplitMix64) -> usize {
    let total: u64 = TASKS.iter().map(|task| task.weight).sum();
    let mut roll = rng.below(total);
    for (position, task) in TASKS.iter().enumerate() {
        if roll < task.weight {
            return position;
        }
        roll -= task.weight;
    }
    0
}

/// Final call statuses with their weights; in-progress statuses (1-7) do not occur.
const STATUS_WEIGHTS: &[(CallStatus, u64)] = &[
    (CallStatus::Completed, 560),
    (CallStatus::RingingNoAnswer, 100),
    (CallStatus::RingingTooLong, 30),
    (CallStatus::UserBusy, 50),
    (CallStatus::UserBusyAndRejected, 20),
    (CallStatus::UserRejected, 50),
    (CallStatus::Unreachable, 60),
    (CallStatus::InvalidNumber, 20),
    (CallStatus::InvalidNumber23, 10),
    (CallStatus::InvalidNumberDirection, 10),
    (CallStatus::BlacklistedNumber, 10),
    (CallStatus::NoResponseWhenDialing, 20),
    (CallStatus::EarlyMediaVoicemail, 20),
    (CallStatus::NoAvailableRouteLines, 8),
    (CallStatus::LineServiceUnavailable, 8),
    (CallStatus::UnknownReason, 8),
    (CallStatus::SchedulingError, 4),
    (CallStatus::TtsSynthesisFailed, 4),
    (CallStatus::Stopped, 4),
    (CallStatus::InsufficientCustomerBalance, 4),
];

/// Results of a `Completed` call, which was answered.
const ANSWERED_RESULTS: &[(CallResult, u64)] = &[
    (CallResult::NormalEndConnected, 30),
    (CallResult::NormalEndUserHungUp, 30),
    (CallResult::NormalEndAgentHungUp, 15),
    (CallResult::HumanVoiceDetected, 5),
    (CallResult::Voicemail, 10),
    (CallResult::Silence, 10),
];

fn pick<T: Copy>(rng: &mut SplitMix64, table: &[(T, u64)]) -> T {
    let total: u64 = table.iter().map(|(_, weight)| weight).sum();
    let mut roll = rng.below(total);
    for &(value, weight) in table {
        if roll < weight {
            return value;
        }
        roll -= weight;
    }
    table[0].0
}

/// The result an unanswered call with `status` ends with.
fn unanswered_result(rng: &mut SplitMix64, status: CallStatus) -> CallResult {
    use CallResult as R;
    use CallStatus as S;
    match status {
        S::RingingNoAnswer | S::RingingTooLong => R::NotAnsweredTimeout,
        S::UserBusy => R::UnreachableLineBusy,
        S::UserBusyAndRejected => R::NotAnsweredRejectedWhileRinging,
        S::UserRejected if rng.below(2) == 0 => R::NotAnsweredRejectedWhileRinging,
        S::UserRejected => R::NotAnsweredUserQuickHangUp,
        S::Unreachable if rng.below(3) == 0 => R::UnreachableTemporarily,
        S::Unreachable | S::InvalidNumber | S::InvalidNumber23 => R::Unreachable,
        S::InvalidNumberDirection | S::InsufficientCustomerBalance => R::NotAnsweredRestricted,
        S::BlacklistedNumber => R::NotAnsweredBlacklisted,
        S::EarlyMediaVoicemail => R::NormalEndEarlyMediaVoicemail,
        S::SchedulingError | S::TtsSynthesisFailed => R::SystemException,
        S::Stopped => R::NotAnsweredAgentQuickHangUp,
        _ => R::UnreachableCallException,
    }
}

/// SIP final code and hang-up cause for a result.
fn sip_outcome(result: CallResult) -> (&'static str, &'static str) {
    use CallResult as R;
    match result {
        R::NotAnsweredTimeout => ("408", "NO_ANSWER"),
        R::UnreachableLineBusy => ("486", "USER_BUSY"),
        R::NotAnsweredRejectedWhileRinging | R::UnreachableCallRejected => ("603", "CALL_REJECTED"),
        R::NotAnsweredUserQuickHangUp | R::NotAnsweredAgentQuickHangUp => ("487", "ORIGINATOR_CANCEL"),
        R::Unreachable | R::UnreachableTemporarily => ("480", "NO_USER_RESPONSE"),
        R::NotAnsweredRestricted | R::NotAnsweredBlacklisted => ("403", "OUTGOING_CALL_BARRED"),
        R::NormalEndEarlyMediaVoicemail => ("183", "NORMAL_CLEARING"),
        R::SystemException => ("500", "SYSTEM_ERROR"),
        R::UnreachableCallException => ("503", "NORMAL_TEMPORARY_FAILURE"),
        _ => ("200", "NORMAL_CLEARING"),
    }
}

const FIRST_NAMES: &[&str] = &[
    "Wing", "Ka Yan", "Chi Ming", "Mei Ling", "Siti", "Budi", "Dewi", "Agus", "Emily", "James", "Olivia", "Michael",
    "Hui", "Rina", "Putri", "Daniel",
];
const LAST_NAMES: &[&str] =
    &["Chan", "Wong", "Lee", "Cheung", "Santoso", "Wijaya", "Pratama", "Smith", "Johnson", "Garcia", "Ng", "Lim"];
const AGENTS: &[(&str, &str)] =
    &[("Alice Ho", "agent-1001"), ("Bob Tan", "agent-1002"), ("Citra Ayu", "agent-1003"), ("Dan Miller", "agent-1004")];
const TOPICS: &[&str] = &["renewal terms", "payment date", "appointment time", "product details", "account status"];

fn build_record(rng: &mut SplitMix64, task_position: usize, id: i64, create_ts: i64) -> CallRecord {
    let task = &TASKS[task_position];
    let status = pick(rng, STATUS_WEIGHTS);
    let answered = status == CallStatus::Completed;
    let result = if answered { pick(rng, ANSWERED_RESULTS) } else { unanswered_result(rng, status) };
    let connected = result.is_connected();

    // Timeline: queued at createTs, dialled a little later, rings, maybe answered.
    let call_start = create_ts + rng.below(120) as i64;
    let (call_answer, ring, elapsed) = if answered {
        let ring = 2 + rng.below(24) as i64;
        let elapsed = if connected {
            // Skewed towards short calls, up to ten minutes.
            5 + (rng.below(600) * rng.below(600) / 600) as i64
        } else {
            3 + rng.below(40) as i64
        };
        (Some(call_start + ring), ring, elapsed)
    } else if result == CallResult::NotAnsweredTimeout {
        (None, 30 + rng.below(31) as i64, 0)
    } else {
        (None, rng.below(12) as i64, 0)
    };
    let call_end = call_answer.map_or(call_start + ring, |answer| answer + elapsed);

    let callee = phone_number(rng, task.country);
    let call_id = uuid(rng);
    let intent = if connected { USER_INTENTS[rng.below(USER_INTENTS.len() as u64) as usize] } else { "" };
    let turns = if answered { (elapsed / 12).max(1) as i32 } else { 0 };
    let summary = if connected {
        let topic = TOPICS[rng.below(TOPICS.len() as u64) as usize];
        let mut summary = concat(&["Talked about ", topic, " over "]);
        push_number(&mut summary, turns as u64);
        summary.push_str(" turns; customer: ");
        summary.push_str(intent);
        summary.push('.');
        summary
    } else {
        String::new()
    };

    let mut record = CallRecord::default();
    // An agent takes over 1 in 25 connected calls half-way through.
    if connected && rng.below(25) == 0 {
        let (agent_name, agent_id) = AGENTS[rng.below(AGENTS.len() as u64) as usize];
        let answer = call_start + ring;
        let manual_start = answer + elapsed / 2;
        let manual_answer = manual_start + 2;
        record.manual_call_start = Some(manual_start);
        record.manual_call_answer = Some(manual_answer);
        record.manual_call_end = Some(call_end);
        record.manual_call_status = Some(1);
        record.manual_elapsed = Some((call_end - manual_answer) as i32);
        record.agent_name = Some(agent_name.to_owned());
        record.agent_id = Some(agent_id.to_owned());
        record.agent_group_name = Some(task.agent_group.0.to_owned());
        record.agent_group_id = Some(task.agent_group.1.to_owned());
    } else {
        record.manual_call_start = Some(0);
        record.manual_call_answer = Some(0);
        record.manual_call_end = Some(0);
        record.manual_call_status = Some(0);
        record.manual_elapsed = Some(0);
        record.agent_name = Some(String::new());
        record.agent_id = Some(String::new());
        record.agent_group_name = Some(String::new());
        record.agent_group_id = Some(String::new());
    }

    // A contact is called up to three times; head/tail mark its first and last call.
    let (order_head, order_tail) = match rng.below(10) {
        0 => (1, 0),
        1 => (0, 0),
        2 => (0, 1),
        _ => (1, 1),
    };
    let (sip_code, hangup_reason) = sip_outcome(result);
    let name = concat(&[
        FIRST_NAMES[rng.below(FIRST_NAMES.len() as u64) as usize],
        " ",
        LAST_NAMES[rng.below(LAST_NAMES.len() as u64) as usize],
    ]);
    let mut attributes = Vec::with_capacity(3);
    attributes.push(attribute("Name", "sys.name", name));
    attributes.push(attribute("Phone Number", "sys.phoneNumber", callee.clone()));
    if let Some((display, key, prefix)) = task.extra_attribute {
        let mut value = concat(&[prefix]);
        push_number(&mut value, 10_000 + rng.below(90_000));
        attributes.push(attribute(display, key, value));
    }

    record.id = Some(id);
    record.task_id = Some(TASK_IDS[task_position].to_owned());
    record.contact_id = Some(uuid(rng));
    record.auto_flow_id = Some(task.auto_flow_id);
    record.order_head = Some(order_head);
    record.order_tail = Some(order_tail);
    record.caller_phone = Some(task.caller_phones[rng.below(task.caller_phones.len() as u64) as usize].to_owned());
    record.real_phone = Some(callee.clone());
    record.callee_phone = Some(callee);
    record.call_status = Some(status);
    record.call_result = Some(result);
    record.create_ts = Some(create_ts);
    record.op_ts = Some(call_start);
    record.call_start = Some(call_start);
    record.call_answer = call_answer;
    record.call_end = Some(call_end);
    record.call_ring_time = Some(ring);
    record.call_elapsed = Some(elapsed);
    let line_id = concat(&[task.line_prefix, ["-01", "-02", "-03", "-04"][rng.below(4) as usize]]);
    record.route_id = Some(task.route_id.to_owned());
    record.call_audio_url = Some(if answered {
        let mut url = concat(&["https://recordings.nxlink-mock.invalid/"]);
        push_number(&mut url, (create_ts / 86_400) as u64);
        url.push('/');
        url.push_str(&call_id);
        url.push_str(".wav");
        url
    } else {
        String::new()
    });
    record.call_id = Some(call_id);
    record.user_intent = Some(intent.to_owned());
    record.call_summary = Some(summary);
    record.turn_time = Some(turns);
    record.call_callback_url = Some(task.call_callback_url.to_owned());
    record.order_callback_url = Some(task.order_callback_url.to_owned());
    let mut sip_addr = concat(&["10.20."]);
    push_number(&mut sip_addr, rng.below(8));
    sip_addr.push('.');
    push_number(&mut sip_addr, 10 + rng.below(240));
    sip_addr.push_str(":5060");
    record.attributes = attributes;
    record.auto_flow_name = Some(task.auto_flow_name.to_owned());
    // Fields no simulation reads are set by wire name, when the spec knows them: the
    // vendor may drop one from its docs with no edit here.
    set_by_name(
        record,
        [
            ("lineId", line_id),
            ("sipAddr", sip_addr),
            ("sipCode", sip_code.to_owned()),
            ("hangupReason", hangup_reason.to_owned()),
        ],
    )
}

/// `record` with the text fields `named` set by wire name, those the spec knows: the
/// mock's records stay the documented ones (no drift) whatever the spec drops.
fn set_by_name<const N: usize>(record: CallRecord, named: [(&str, String); N]) -> CallRecord {
    let mut value = match serde_json::to_value(&record) {
        Ok(serde_json::Value::Object(value)) => value,
        _ => return record,
    };
    for (wire, text) in named.into_iter().filter(|(wire, _)| CallRecord::FIELDS.contains(wire)) {
        value.insert(wire.to_owned(), serde_json::Value::String(text));
    }
    serde_json::from_value(serde_json::Value::Object(value)).unwrap_or(record)
}

/// Joins `parts` into a string with room for a few more bytes; `format!` is several
/// times slower, which shows at a million records.
fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|part| part.len()).sum::<usize>() + 24);
    for part in parts {
        text.push_str(part);
    }
    text
}

fn push_number(text: &mut String, mut number: u64) {
    let mut digits = [0_u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            break;
        }
    }
    text.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

fn attribute(name: &str, key: &str, value: String) -> Attribute {
    let mut attribute = Attribute::default();
    attribute.name = Some(name.to_owned());
    attribute.key = Some(key.to_owned());
    attribute.value = Some(value);
    attribute
}

/// A mobile number in international format without `+`.
fn phone_number(rng: &mut SplitMix64, country: Country) -> String {
    let mut phone = String::with_capacity(13);
    match country {
        Country::HongKong => {
            phone.push_str("852");
            phone.push(['5', '6', '9'][rng.below(3) as usize]);
            push_digits(&mut phone, rng, 7);
        }
        Country::Indonesia => {
            phone.push_str("628");
            phone.push(['1', '2', '5', '7', '9'][rng.below(5) as usize]);
            push_digits(&mut phone, rng, 9);
        }
        Country::UnitedStates => {
            phone.push('1');
            phone.push(char::from(b'2' + rng.below(8) as u8));
            push_digits(&mut phone, rng, 2);
            phone.push(char::from(b'2' + rng.below(8) as u8));
            push_digits(&mut phone, rng, 6);
        }
    }
    phone
}

fn push_digits(out: &mut String, rng: &mut SplitMix64, count: usize) {
    for _ in 0..count {
        out.push(char::from(b'0' + rng.below(10) as u8));
    }
}

/// A random (version 4 shaped) UUID in its usual text form.
fn uuid(rng: &mut SplitMix64) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = (u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64())) & !(0xf << 76) | (0x4 << 76);
    let mut text = String::with_capacity(36);
    for nibble in 0..32 {
        if matches!(nibble, 8 | 12 | 16 | 20) {
            text.push('-');
        }
        text.push(char::from(HEX[(bits >> (124 - 4 * nibble)) as usize & 0xf]));
    }
    text
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and fixed forever, so a seed
/// names the same dataset in every version of this crate's dependencies.
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    /// The stream of record `index` under `seed`.
    pub(crate) fn for_record(seed: u64, index: u64) -> Self {
        let mut mixer = Self(seed ^ index.wrapping_mul(0xd1b5_4a32_d192_ed03));
        Self(mixer.next_u64())
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`0` when `bound` is 0), by multiply-shift.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_the_usual_shape() {
        let mut rng = SplitMix64::for_record(1, 2);
        let id = uuid(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        assert_eq!(id.matches('-').count(), 4);
    }

    #[test]
    fn phone_numbers_have_country_lengths() {
        let mut rng = SplitMix64::for_record(3, 4);
        assert_eq!(phone_number(&mut rng, Country::HongKong).len(), 11);
        assert_eq!(phone_number(&mut rng, Country::Indonesia).len(), 13);
        assert_eq!(phone_number(&mut rng, Country::UnitedStates).len(), 11);
    }

    #[test]
    fn every_task_profile_has_an_id() {
        assert_eq!(TASKS.len(), TASK_IDS.len());
    }
}
