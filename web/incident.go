package web

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"incidentbot"
	"incidentbot/postmortem"
)

// markdown renders post-mortems: GitHub tables and strikethrough, and no
// raw HTML (goldmark's default, which leaves "<!-- raw HTML omitted -->"
// in its place), so text from chat can never become markup. Headings go
// two levels down, under the page's h1 and the section's h2.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(shiftHeadings{}, 100))),
)

type shiftHeadings struct{}

func (shiftHeadings) Transform(doc *ast.Document, _ gmtext.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+2, 6)
		}
		return ast.WalkContinue, nil
	})
}

// incidentData is one incident and everything attached to it.
type incidentData struct {
	Inc       *incidentbot.Incident
	Playbook  *incidentbot.Playbook
	Roles     []incidentbot.RoleAssignment
	Checklist []incidentbot.ChecklistEntry
	Timeline  []incidentbot.TimelineEvent
	Pauses    []incidentbot.CampaignPause
	FollowUps []incidentbot.FollowUp
}

// incident reads the incident key names, if v may see it: one that does
// not exist and one of another workspace are the same ENOTFOUND.
func (s *Site) incident(ctx context.Context, key string, v Viewer) (*incidentData, error) {
	id, err := incidentbot.ParseIncidentKey(key)
	if err != nil {
		return nil, incidentbot.IncidentNotFound(truncate(key, 30))
	}
	inc, err := s.src.Incident(ctx, id)
	if err != nil {
		if incidentbot.ErrorCode(err) == incidentbot.ENOTFOUND {
			return nil, incidentbot.IncidentNotFound(incidentbot.IncidentKey(id))
		}
		return nil, err
	}
	if !v.Sees(inc.Platform, inc.Workspace) {
		return nil, incidentbot.IncidentNotFound(inc.Key)
	}
	d := &incidentData{Inc: inc, Playbook: s.playbookOf(inc)}
	if d.Roles, err = s.src.Roles(ctx, id); err != nil {
		return nil, err
	}
	if d.Checklist, err = s.src.Checklist(ctx, id); err != nil {
		return nil, err
	}
	if d.Timeline, err = s.src.Timeline(ctx, id); err != nil {
		return nil, err
	}
	if d.Pauses, err = s.src.Pauses(ctx, id); err != nil {
		return nil, err
	}
	if d.FollowUps, err = s.src.FollowUps(ctx, id); err != nil {
		return nil, err
	}
	return d, nil
}

// draft is the post-mortem's Markdown, as the bot posts it, in lang.
func (s *Site) draft(d *incidentData, lang string) (string, error) {
	return postmortem.Render(postmortem.Data{
		Incident: d.Inc, Playbook: d.Playbook, Roles: d.Roles, Timeline: d.Timeline, Checklist: d.Checklist,
		Pauses: d.Pauses, FollowUps: d.FollowUps, RevenuePerMinute: s.cfg.RevenuePerMinute, Currency: s.cfg.Currency,
		Profile: s.cfg.Profile, Location: s.cfg.Location, Now: s.clock.Now(), Language: lang,
	})
}

// incidentView is incident.html's.
type incidentView struct {
	pageView
	*incidentData
	Revenue      float64
	RevenueKnown bool
	Avoided      map[string]float64 // ad spend, per currency
	Postmortem   template.HTML      // rendered by goldmark, raw HTML off
	MarkdownURL  string

	people map[string]string // user id -> name, for follow-up owners
}

// incidentOf reads the incident the path's key names for v, or answers
// the request itself: 404 for one v may not see, 503 when the store fails.
func (s *Site) incidentOf(w http.ResponseWriter, r *http.Request, v Viewer) (*incidentData, bool) {
	key := r.PathValue("key")
	d, err := s.incident(r.Context(), key, v)
	switch {
	case incidentbot.ErrorCode(err) == incidentbot.ENOTFOUND:
		s.message(w, r, http.StatusNotFound, func(d dashText) (string, string) {
			return d.NotFound(truncate(key, 30)), d.Back
		})
		return nil, false
	case err != nil:
		s.unavailable(w, r, err)
		return nil, false
	}
	return d, true
}

// Incident serves /incidents/{key}: summary, roles, checklist, the whole
// timeline, the ads paused and resumed, follow-ups and the post-mortem.
func (s *Site) Incident() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		d, ok := s.incidentOf(w, r, v)
		if !ok {
			return
		}
		p := s.newPage(r, v, func(dashText) string { return d.Inc.Key + " " + d.Inc.Title }, "/incidents")
		md, err := s.draft(d, p.Lang)
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		var html bytes.Buffer
		if err := markdown.Convert([]byte(md), &html); err != nil {
			s.unavailable(w, r, fmt.Errorf("render post-mortem of %s: %w", d.Inc.Key, err))
			return
		}
		view := incidentView{
			pageView: p, incidentData: d,
			Revenue: s.loss(d.Inc, p.now).Revenue, RevenueKnown: s.revenueKnown(), Avoided: incidentbot.SpendAvoided(d.Pauses, p.now),
			// goldmark escapes text and drops raw HTML: the markup is its own.
			Postmortem:  template.HTML(html.String()),
			MarkdownURL: "/incidents/" + d.Inc.Key + "/postmortem.md?lang=" + p.Lang,
			people:      peopleOf(d),
		}
		s.write(w, r, http.StatusOK, "incident.html", view)
	})
}

// Postmortem serves /incidents/{key}/postmortem.md: the draft to download.
func (s *Site) Postmortem() http.Handler {
	return s.private(func(w http.ResponseWriter, r *http.Request, v Viewer) {
		d, ok := s.incidentOf(w, r, v)
		if !ok {
			return
		}
		md, err := s.draft(d, s.lang(r))
		if err != nil {
			s.unavailable(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="postmortem-`+strings.ToLower(d.Inc.Key)+`.md"`)
		_, _ = w.Write([]byte(md))
	})
}
