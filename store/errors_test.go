package store

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"testing"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"incidentbot"
)

func TestMapErr(t *testing.T) {
	t.Parallel()
	other := errors.New("syntax error")
	tests := []struct {
		name string
		err  error
		code string
	}{
		{"nil", nil, ""},
		{"unique violation", &pq.Error{Code: pqerror.UniqueViolation}, incidentbot.ECONFLICT},
		{"wrapped unique violation", fmt.Errorf("insert: %w", &pq.Error{Code: pqerror.UniqueViolation}), incidentbot.ECONFLICT},
		{"deadlock", &pq.Error{Code: pqerror.TRDeadlockDetected}, incidentbot.EUNAVAILABLE},
		{"serialization failure", &pq.Error{Code: pqerror.TRSerializationFailure}, incidentbot.EUNAVAILABLE},
		{"connection failure", &pq.Error{Code: "08006"}, incidentbot.EUNAVAILABLE},
		{"bad conn", driver.ErrBadConn, incidentbot.EUNAVAILABLE},
		{"foreign key violation", &pq.Error{Code: "23503"}, incidentbot.EINTERNAL},
		{"other", other, incidentbot.EINTERNAL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := mapErr(tc.err)
			if code := incidentbot.ErrorCode(got); code != tc.code {
				t.Errorf("got code %q, want %q", code, tc.code)
			}
			if !errors.Is(got, tc.err) {
				t.Errorf("got %v, want it to wrap %v", got, tc.err)
			}
		})
	}
}
