package slack

import (
	"context"
	"sync"
	"time"

	slackapi "github.com/slack-go/slack"
)

// People rarely change their Slack language: an answer is kept an hour, a
// failure a minute (the reply meanwhile speaks the workspace's language).
// The cache holds at most localeMax people; users.info gets localeWait,
// since the person waits for the reply.
const (
	localeTTL     = time.Hour
	localeFailTTL = time.Minute
	localeMax     = 10_000
	localeWait    = 500 * time.Millisecond
)

// localeCache keeps users.info's locale per user id.
type localeCache struct {
	mu sync.Mutex
	m  map[string]cachedLocale
}

type cachedLocale struct {
	locale  string
	expires time.Time
}

// Locale returns the person's Slack language ("fr-FR"), from users.info
// with include_locale, cached; "" when Slack does not say in time.
func (c *Chat) Locale(ctx context.Context, userID string) string {
	if userID == "" {
		return ""
	}
	now := time.Now()
	c.locales.mu.Lock()
	hit, ok := c.locales.m[userID]
	c.locales.mu.Unlock()
	if ok && now.Before(hit.expires) {
		return hit.locale
	}
	ctx, cancel := context.WithTimeout(ctx, localeWait)
	defer cancel()
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
