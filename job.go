package incidentbot

import (
	"encoding/json"
	"time"
)

// JobState is where a durable job stands.
type JobState string

const (
	JobPending JobState = "pending"
	JobRunning JobState = "running" // claimed by a worker until LockedUntil
	JobDone    JobState = "done"
	JobFailed  JobState = "failed" // gave up; the failure is on the timeline
)

// Job is one external side effect (create a channel, post, pause ads ...),
// stored before it runs so a crash or restart resumes it. Key makes
// enqueueing idempotent: a second job with the same key is ignored.
type Job struct {
	ID          int64
	Key         string // "INC-42/create_channel"
	Kind        string
	IncidentID  int64
	Payload     json.RawMessage
	State       JobState
	Attempts    int // runs started so far, counting the current one
	RunAt       time.Time
	LockedBy    string
	LockedUntil *time.Time
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NewJob returns a pending job, its payload marshalled to JSON.
func NewJob(inc *Incident, kind, key string, payload any, runAt time.Time) (Job, error) {
	var raw json.RawMessage
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			return Job{}, err
		}
		raw = b
	}
	return Job{
		Key:        inc.Key + "/" + key,
		Kind:       kind,
		IncidentID: inc.ID,
		Payload:    raw,
		State:      JobPending,
		RunAt:      runAt,
	}, nil
}

// Deferral is a job's way of saying "not yet": a pace a service keeps
// (Slack takes about one post a second per channel), or a fix only a
// person can make (a tracker refusing the bot's token), not a failure. The
// runner puts the job back to run after Wait, counting no attempt, so the
// wait holds no worker. It sits inside an EUNAVAILABLE Error for callers
// that are not the runner.
type Deferral struct {
	Wait   time.Duration
	Reason string
}

func (d *Deferral) Error() string { return d.Reason + ", deferred " + d.Wait.String() }

// RetryAfter is the wait, for callers that only know retry hints.
func (d *Deferral) RetryAfter() time.Duration { return d.Wait }

var _ Retrier = (*Deferral)(nil)
