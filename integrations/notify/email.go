package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strings"
	"time"

	"incidentbot"
)

// smtpTimeout bounds a whole delivery when ctx has no deadline.
const smtpTimeout = 30 * time.Second

func (n *Notifier) email(ctx context.Context, target string, to []string, subject, body string) error {
	msg := n.message(target, to, subject, body)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, smtpTimeout)
		defer cancel()
	}
	s := n.cfg.SMTP
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return incidentbot.WrapError(incidentbot.EINVALID, err, "NOTIFY_SMTP_ADDR must be host:port, e.g. smtp.example.com:587.")
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The mail server %s did not answer; the bot will retry.", s.Addr)
	}
	// Closing the connection is how a cancelled ctx interrupts net/smtp.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return smtpError(ctx, s.Addr, err)
	}
	defer c.Close()
	if err := n.deliver(c, host, to, msg); err != nil {
		return smtpError(ctx, s.Addr, err)
	}
	return nil
}

var errNoTLS = errors.New("server offers no STARTTLS")

func (n *Notifier) deliver(c *smtp.Client, host string, to []string, msg []byte) error {
	s := n.cfg.SMTP
	if err := c.Hello("incidentbot"); err != nil {
		return err
	}
	secure := false
	if ok, _ := c.Extension("STARTTLS"); ok {
		cfg := &tls.Config{ServerName: host}
		if s.TLSConfig != nil {
			cfg = s.TLSConfig.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = host
			}
		}
		if err := c.StartTLS(cfg); err != nil {
			return err
		}
		secure = true
	}
	if s.Username != "" {
		// Even a local relay gets no password in clear.
		if !secure {
			return errNoTLS
		}
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password.Reveal(), host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	for _, addr := range to {
		if err := c.Rcpt(addr); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// smtpError maps a delivery failure: 4xx replies and network trouble are
// worth a retry, 5xx replies are not.
func smtpError(ctx context.Context, addr string, err error) error {
	var te *textproto.Error
	switch {
	case errors.Is(err, errNoTLS):
		return incidentbot.WrapError(incidentbot.EINVALID, err,
			"The mail server %s offers no STARTTLS, so the bot will not send the password in clear: use its submission port (587) or unset NOTIFY_SMTP_USERNAME.", addr)
	case errors.As(err, &te) && (te.Code == 530 || te.Code == 534 || te.Code == 535):
		return incidentbot.WrapError(incidentbot.EUNAUTHORIZED, err,
			"The mail server %s refused the login (%d): check NOTIFY_SMTP_USERNAME and NOTIFY_SMTP_PASSWORD.", addr, te.Code)
	case errors.As(err, &te) && te.Code >= 400 && te.Code < 500:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The mail server %s deferred the message (%d); the bot will retry.", addr, te.Code)
	case errors.As(err, &te):
		return incidentbot.WrapError(incidentbot.EINVALID, err,
			"The mail server %s refused the message (%d): check NOTIFY_SMTP_FROM and the target's addresses in NOTIFY_TARGETS.", addr, te.Code)
	case ctx.Err() != nil:
		return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "The mail server %s did not answer in time; the bot will retry.", addr)
	}
	return incidentbot.WrapError(incidentbot.EUNAVAILABLE, err, "Sending mail through %s failed; the bot will retry.", addr)
}

// message builds the RFC 5322 message: plain text, UTF-8, quoted-printable,
// marked auto-generated so auto-responders stay quiet.
func (n *Notifier) message(target string, to []string, subject, body string) []byte {
	now := n.cfg.Clock.Now().UTC()
	oneLine := strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")
	subject = oneLine.Replace(subject)
	from := n.cfg.SMTP.From
	domain := "incidentbot.local"
	if _, d, ok := strings.Cut(from, "@"); ok {
		domain = d
	}
	sum := sha256.Sum256([]byte(target + "\x00" + subject + "\x00" + body))
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from)
	header("To", strings.Join(to, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", fmt.Sprintf("<%d.%x@%s>", now.UnixNano(), sum[:6], domain))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	header("X-Incidentbot-Target", target)
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write([]byte(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")))
	_ = qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}
