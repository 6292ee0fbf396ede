package discord

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"incidentbot"
)

func TestGatewayError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		err      error
		code     string
		mentions string
	}{
		{"bad token", &websocket.CloseError{Code: 4004, Text: "Authentication failed."}, incidentbot.EUNAUTHORIZED, "DISCORD_BOT_TOKEN"},
		{"disallowed intents", &websocket.CloseError{Code: 4014, Text: "Disallowed intent(s)."}, incidentbot.EFORBIDDEN, "Intents"},
		{"other close", &websocket.CloseError{Code: 4000, Text: "Unknown error."}, incidentbot.EUNAVAILABLE, "code 4000"},
		{"unreachable", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, incidentbot.EUNAVAILABLE, "Could not reach"},
		{"not a websocket", websocket.ErrBadHandshake, incidentbot.EUNAVAILABLE, "Could not reach"},
		{"anything else", errors.New("expecting Op 10, got Op 0 instead"), incidentbot.EINTERNAL, "Internal error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := gatewayError(tc.err)
			if got := incidentbot.ErrorCode(err); got != tc.code {
				t.Errorf("got code %q, want %q", got, tc.code)
			}
			if got := incidentbot.ErrorMessage(err); !strings.Contains(got, tc.mentions) {
				t.Errorf("got message %q, want it to mention %q", got, tc.mentions)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("got %v, want it to wrap %v", err, tc.err)
			}
		})
	}
}
