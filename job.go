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
