package slack

import (
	"context"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

	"incidentbot"
	"incidentbot/commands"
)

// People rarely change their Slack language: an answer is kept an hour, a
// failure a minute (the reply meanwhile speaks the workspace's language).
// The cache holds at most localeMax people.
//
// A reply waits for users.info only localeWait: the slash command's answer
// is its acknowledgement, which must stay well under Slack's deadline and
// our 50 ms bar, so a slower users.info goes on in the background (one call
// per person at a time, localeFetches at most) and serves the person's next
// reply, this one speaking the workspace's language.
const (
	localeTTL     = time.Hour
	localeFailTTL = time.Minute
	localeMax     = 10_000
	localeWait    = 25 * time.Millisecond
	localeTimeout = 5 * time.Second
	localeFetches = 8
)

// localeCache keeps users.info's locale per user id.
type localeCache struct {
	mu       sync.Mutex
	m        map[string]cachedLocale
	inFlight int
	calls    singleflight.Group
}

type cachedLocale struct {
	locale  string
	expires time.Time
}

// Locale returns the person's Slack language ("fr-FR"), from users.info
// with include_locale, cached; "" when Slack does not say within
// localeWait (the answer then fills the cache for the next time).
func (c *Chat) Locale(ctx context.Context, userID string) string {
	if userID == "" {
		return ""
	}
	c.locales.mu.Lock()
	hit, ok := c.locales.m[userID]
	c.locales.mu.Unlock()
	if ok && time.Now().Before(hit.expires) {
		return hit.locale
	}
	wait := time.NewTimer(localeWait)
	defer wait.Stop()
	select {
	case r := <-c.locales.calls.DoChan(userID, func() (any, error) { return c.fetchLocale(userID), nil }):
		return r.Val.(string)
	case <-wait.C:
	case <-ctx.Done():
	}
	return ""
}

// fetchLocale asks users.info and caches the answer. It outlives the
// request that started it (its own deadline), and gives up at once,
// caching nothing, when localeFetches calls are already out.
func (c *Chat) fetchLocale(userID string) string {
	c.locales.mu.Lock()
	if c.locales.inFlight >= localeFetches {
		c.locales.mu.Unlock()
		return ""
	}
	c.locales.inFlight++
	c.locales.mu.Unlock()
	defer func() {
		c.locales.mu.Lock()
		c.locales.inFlight--
		c.locales.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), localeTimeout)
	defer cancel()
	now := time.Now()
	entry := cachedLocale{expires: now.Add(localeFailTTL)}
	u, err := c.api.GetUserInfoContext(ctx, userID, slackapi.GetUserInfoOptionIncludeLocale(true))
	if err == nil {
		entry = cachedLocale{locale: u.Locale, expires: now.Add(localeTTL)}
	} else {
		c.logger.InfoContext(ctx, "slack locale unknown", "user", userID, "err", mapError("users.info", err))
	}
	c.locales.put(userID, entry, now)
	return entry.locale
}

// put stores an entry; a full cache first drops the expired entries, then
// any one, so it never grows past localeMax.
func (l *localeCache) put(userID string, e cachedLocale, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]cachedLocale{}
	}
	if _, ok := l.m[userID]; !ok && len(l.m) >= localeMax {
		for id, old := range l.m {
			if !now.Before(old.expires) {
				delete(l.m, id)
			}
		}
		for id := range l.m {
			if len(l.m) < localeMax {
				break
			}
			delete(l.m, id)
		}
	}
	l.m[userID] = e
}

// locale is the person's Slack language, "" without a Chat to ask.
func (in *Inbound) locale(ctx context.Context, userID string) string {
	if in.deps.Chat == nil {
		return ""
	}
	return in.deps.Chat.Locale(ctx, userID)
}

// lang is the language of what the adapter itself says to actor alone (the
// declare form, its errors): as commands choose it.
func (in *Inbound) lang(ctx context.Context, actor incidentbot.Actor) string {
	return commands.Language(ctx, in.deps.Service, actor, in.deps.Logger)
}

// quickLang is the language of an answer given because the store is slow
// or down: the person's Slack language, else the workspace's, without
// asking the store.
func (in *Inbound) quickLang(ctx context.Context, team, user string) string {
	actor := incidentbot.Actor{Platform: incidentbot.PlatformSlack, Workspace: team, User: incidentbot.User{ID: user}, Locale: in.locale(ctx, user)}
	return commands.QuickLanguage(in.deps.Service, actor)
}
