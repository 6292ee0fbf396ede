package web

import (
	"net/url"
	"strings"
	"time"

	"incidentbot"
)

// ImpactStarted is when customers were first affected (impact-start,
// declare --since, an alert's startsAt), else the detection.
func (v incidentView) ImpactStarted() time.Time { return v.Inc.ImpactStart() }

// TimeToDetect is from the impact start to the detection, as the
// post-mortem counts it.
func (v incidentView) TimeToDetect() string {
	detected := v.Inc.DetectedAt
	if detected.IsZero() {
		detected = v.Inc.DeclaredAt
	}
	return v.Dur(detected.Sub(v.ImpactStarted()))
}

// Owner is how the page names a follow-up's owner: the store keeps the
// chat mention typed ("<@U123>"), so it is the name the incident knows for
// that person (a role, a timeline entry...), else the mention's own label,
// else "@U123"; never chat markup. An e-mail or "@name" is shown as is.
func (v incidentView) Owner(f incidentbot.FollowUp) string {
	id, label, ok := incidentbot.ParseMention(f.Owner)
	switch {
	case !ok:
		return strings.TrimSpace(f.Owner)
	case v.people[id] != "":
		return v.people[id]
	case label != "":
		return label
	}
	return "@" + id
}

// ticketLink is a follow-up's ticket as a link: its address and the text
// people read (the address without its scheme).
type ticketLink struct{ URL, Text string }

// TicketLink is the follow-up's ticket as a link when it is an http(s)
// URL, else nil: the page then shows the text as it is, so a
// "javascript:" ticket stays words.
func (v incidentView) TicketLink(f incidentbot.FollowUp) *ticketLink {
	link := incidentbot.WebLink(f.Ticket)
	if link == "" {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil {
		return nil
	}
	return &ticketLink{URL: u.String(), Text: strings.TrimSuffix(u.Host+u.EscapedPath(), "/")}
}

// peopleOf maps the user ids the incident knows to their names: the
// declarer, roles, timeline actors, checklist and follow-up authors.
func peopleOf(d *incidentData) map[string]string {
	people := map[string]string{}
	add := func(u incidentbot.User) {
		if u.ID != "" && u.Name != "" {
			people[u.ID] = u.Name
		}
	}
	add(d.Inc.DeclaredBy)
	for _, e := range d.Timeline {
		add(e.Actor)
	}
	for _, c := range d.Checklist {
		add(c.By)
	}
	for _, f := range d.FollowUps {
		add(f.CreatedBy)
		add(f.DoneBy)
	}
	for _, r := range d.Roles {
		add(r.User) // a role's name is the freshest: chat resolved it on assignment
	}
	return people
}
