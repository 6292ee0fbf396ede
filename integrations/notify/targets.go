package notify

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"incidentbot"
)

// Services a target can be routed to instead of e-mail or a webhook.
const (
	ViaPagerDuty  = "pagerduty"
	ViaStatuspage = "statuspage"
)

// Target is where one named target's messages go: e-mail, a webhook, both,
// or a service (PagerDuty, Statuspage) configured separately.
type Target struct {
	Email   []string // recipients, sent through Config.SMTP
	Webhook string   // URL that receives {"target","subject","text"}
	Via     string   // ViaPagerDuty or ViaStatuspage; alone, never with Email or Webhook
}

var targetName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// ParseTargets reads NOTIFY_TARGETS: comma-separated name=destination
// entries, where a destination is mailto:address, an http(s) webhook URL,
// pagerduty or statuspage. Repeating a name adds destinations to it:
//
//	hosting=mailto:support@host.example,hosting=mailto:noc@host.example,agency=https://hooks.agency.example/x,security=pagerduty
//
// Names are case-insensitive. Errors name the entry by position and name,
// never by its destination, which may hold a token.
func ParseTargets(spec string) (map[string]Target, error) {
	out := map[string]Target{}
	for i, entry := range strings.Split(spec, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		n := i + 1
		name, dest, ok := strings.Cut(entry, "=")
		name, dest = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(dest)
		if !ok || name == "" || dest == "" {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d: write name=destination, e.g. hosting=mailto:support@host.example.", n)
		}
		if !targetName.MatchString(name) {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d: the name must be 1 to 40 letters, digits, - or _ (as the playbooks' notify \"to\").", n)
		}
		t := out[name]
		switch lower := strings.ToLower(dest); {
		case strings.HasPrefix(lower, "mailto:"):
			addr := dest[len("mailto:"):]
			if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
				return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d (%s): mailto: takes one plain address such as support@host.example; repeat %s= for more.", n, name, name)
			}
			t.Email = append(t.Email, addr)
		case strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://"):
			u, err := url.Parse(dest)
			if err != nil || u.Host == "" {
				return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d (%s): the webhook URL does not parse; percent-encode commas and spaces.", n, name)
			}
			if t.Webhook != "" {
				return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d (%s): a target has at most one webhook; give the other a name of its own.", n, name)
			}
			t.Webhook = dest
		case lower == ViaPagerDuty || lower == ViaStatuspage:
			if t.Via != "" && t.Via != lower {
				return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d (%s): a target goes to pagerduty or statuspage, not both.", n, name)
			}
			t.Via = lower
		default:
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d (%s): the destination must be mailto:address, an https:// URL, pagerduty or statuspage.", n, name)
		}
		if t.Via != "" && (len(t.Email) > 0 || t.Webhook != "") {
			return nil, incidentbot.Errorf(incidentbot.EINVALID, "NOTIFY_TARGETS entry %d (%s): %s cannot be combined with e-mail or a webhook; use two names.", n, name, t.Via)
		}
		out[name] = t
	}
	return out, nil
}
