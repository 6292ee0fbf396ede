package fakesmtp_test

import (
	"crypto/tls"
	"errors"
	"net/smtp"
	"net/textproto"
	"testing"

	"incidentbot/internal/fake/fakesmtp"
)

func send(t *testing.T, s *fakesmtp.Server, startTLS bool, auth smtp.Auth) error {
	t.Helper()
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if startTLS {
		if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: s.RootCAs()}); err != nil {
			return err
		}
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.Mail("bot@shop.example"); err != nil {
		return err
	}
	for _, to := range []string{"support@host.example", "noc@host.example"} {
		if err := c.Rcpt(to); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("Subject: down\r\n\r\n.leading dot\r\nbody\r\n")); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func TestServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		opts     []fakesmtp.Option
		startTLS bool
		auth     smtp.Auth
		fail     []string
		code     int // SMTP reply code of the error, 0 for success
		want     fakesmtp.Message
	}{
		{name: "plain", want: fakesmtp.Message{From: "bot@shop.example", To: []string{"support@host.example", "noc@host.example"}, Data: "Subject: down\r\n\r\n.leading dot\r\nbody\r\n"}},
		{
			name: "STARTTLS and AUTH", opts: []fakesmtp.Option{fakesmtp.WithSTARTTLS(), fakesmtp.WithAuth("bot", "s3cret")},
			startTLS: true, auth: smtp.PlainAuth("", "bot", "s3cret", "127.0.0.1"),
			want: fakesmtp.Message{From: "bot@shop.example", To: []string{"support@host.example", "noc@host.example"}, Data: "Subject: down\r\n\r\n.leading dot\r\nbody\r\n", TLS: true, User: "bot"},
		},
		{name: "auth required", opts: []fakesmtp.Option{fakesmtp.WithAuth("bot", "s3cret")}, code: 530},
		{name: "wrong password", opts: []fakesmtp.Option{fakesmtp.WithSTARTTLS(), fakesmtp.WithAuth("bot", "s3cret")}, startTLS: true, auth: smtp.PlainAuth("", "bot", "nope", "127.0.0.1"), code: 535},
		{name: "greylisted", fail: []string{"451 4.7.1 Greylisted, try again later"}, code: 451},
		{name: "unknown recipient", fail: []string{"", "550 5.1.1 No such user"}, code: 550},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakesmtp.New(t, tc.opts...)
			s.Fail(tc.fail...)
			err := send(t, s, tc.startTLS, tc.auth)
			var te *textproto.Error
			switch {
			case tc.code == 0 && err != nil:
				t.Fatalf("got %v, want success", err)
			case tc.code != 0 && (!errors.As(err, &te) || te.Code != tc.code):
				t.Fatalf("got %v, want SMTP %d", err, tc.code)
			}
			msgs := s.Messages()
			if tc.code != 0 {
				if len(msgs) != 0 {
					t.Errorf("got %d messages, want 0", len(msgs))
				}
				return
			}
			if len(msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(msgs))
			}
			got := msgs[0]
			if got.From != tc.want.From || got.Data != tc.want.Data || got.TLS != tc.want.TLS || got.User != tc.want.User || len(got.To) != 2 || got.To[1] != tc.want.To[1] {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
