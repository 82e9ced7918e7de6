package op

// The lists below give every value of each type with the name its
// TypeScript enum member gets: the window binds them (Wails' EnumBind), so
// the front end's types are generated from these, never retyped. A value
// added above must be added here too (enums_test.go checks the lists).

// AllActions lists every Action.
var AllActions = []struct {
	Value  Action
	TSName string
}{
	{Start, "START"}, {Stop, "STOP"}, {Launch, "LAUNCH"}, {Terminate, "TERMINATE"},
	{CleanUp, "CLEAN_UP"}, {Deploy, "DEPLOY"}, {Lease, "LEASE"},
}

// AllEventTypes lists every EventType.
var AllEventTypes = []struct {
	Value  EventType
	TSName string
}{
	{EventRunStarted, "RUN_STARTED"}, {EventStageStarted, "STAGE_STARTED"}, {EventStageSkipped, "STAGE_SKIPPED"},
	{EventActionSent, "ACTION_SENT"}, {EventInstanceState, "INSTANCE_STATE"}, {EventGateWaiting, "GATE_WAITING"},
	{EventGatePassed, "GATE_PASSED"}, {EventStageReady, "STAGE_READY"}, {EventStageFailed, "STAGE_FAILED"},
	{EventStageCancelled, "STAGE_CANCELLED"}, {EventNote, "NOTE"}, {EventRunDone, "RUN_DONE"},
	{EventRunFailed, "RUN_FAILED"}, {EventRunCancelled, "RUN_CANCELLED"}, {EventRunRefused, "RUN_REFUSED"},
	{EventLaunchPreview, "LAUNCH_PREVIEW"}, {EventLaunchStarted, "LAUNCH_STARTED"}, {EventStackEvent, "STACK_EVENT"},
	{EventBootProgress, "BOOT_PROGRESS"}, {EventDNSUpdated, "DNS_UPDATED"}, {EventLaunchDone, "LAUNCH_DONE"},
	{EventLaunchFailed, "LAUNCH_FAILED"}, {EventCleanupDone, "CLEANUP_DONE"},
	{EventChangeApplied, "CHANGE_APPLIED"},
}

// AllOutcomes lists every Outcome.
var AllOutcomes = []struct {
	Value  Outcome
	TSName string
}{
	{OutcomeRunning, "RUNNING"}, {OutcomeDone, "DONE"}, {OutcomeFailed, "FAILED"}, {OutcomeCancelled, "CANCELLED"},
	{OutcomeRefused, "REFUSED"}, {OutcomeInterrupted, "INTERRUPTED"},
}

// AllStates lists every State.
var AllStates = []struct {
	Value  State
	TSName string
}{
	{StateStopped, "STOPPED"}, {StateStarting, "STARTING"}, {StateRunning, "RUNNING"}, {StatePartly, "PARTLY"},
	{StateStopping, "STOPPING"}, {StateBroken, "FAILED"}, {StateUnknown, "UNKNOWN"}, {StateInvalid, "INVALID"},
	{StateAttention, "ATTENTION"},
}

// AllStageStatuses lists every StageStatus.
var AllStageStatuses = []struct {
	Value  StageStatus
	TSName string
}{
	{StagePending, "PENDING"}, {StageActive, "ACTIVE"}, {StageReady, "READY"}, {StageSkipped, "SKIPPED"},
	{StageFailed, "FAILED"}, {StageCancelled, "CANCELLED"}, {StageNotStarted, "NOT_STARTED"},
}
