package i18n

import (
	"math"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// printers format numbers with each language's CLDR separators.
var printers = map[string]*message.Printer{
	"en": message.NewPrinter(language.English),
	"fr": message.NewPrinter(language.French),
}

func printer(lang string) *message.Printer {
	if p, ok := printers[lang]; ok {
		return p
	}
	return printers[Default]
}

// Number writes v with exactly decimals digits after the separator:
// "1,234.50" in English, "1 234,50" in French (no-break spaces).
func Number(lang string, v float64, decimals int) string {
	scale := math.Pow10(decimals)
	v = math.Round(v*scale) / scale
	if v == 0 {
		v = 0 // no "-0,00"
	}
	return printer(lang).Sprint(number.Decimal(v, number.Scale(decimals)))
}

// Int writes n with the language's thousands separator.
func Int(lang string, n int) string {
	return printer(lang).Sprint(number.Decimal(n))
}

// Money writes an amount with two decimals and its currency the way the
// language does: "€1,234.56" and "1 234,56 €"; a currency without a
// symbol keeps its ISO code ("CHF 12.00", "12,00 CHF"); no currency, the
// amount alone.
func Money(lang string, v float64, currency string) string { return MoneyIn(lang, v, currency, 2) }

// MoneyIn is Money with decimals digits after the separator: whole units
// (0) where a glance is enough, "€120" and "120 €".
func MoneyIn(lang string, v float64, currency string, decimals int) string {
	amount := Number(lang, v, decimals)
	if currency == "" {
		return amount
	}
	if amount[0] == '-' {
		return "-" + MoneyIn(lang, -v, currency, decimals)
	}
	symbol := currency
	if s, ok := symbols[strings.ToUpper(currency)]; ok {
		symbol = s
	}
	id := "format.money"
	if symbol == currency {
		id = "format.money_code"
	}
	return T(lang, id, map[string]any{"Amount": amount, "Symbol": symbol})
}

// symbols are the currencies shops usually pay ads in.
var symbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}

// Percent writes a share (0..1) as a percentage with at most one decimal:
// "12.5%", "12,5 %".
func Percent(lang string, share float64) string {
	return printer(lang).Sprint(number.Percent(share, number.MaxFractionDigits(1)))
}

// Duration writes d the way people read it on a phone: "2h 05m", "3d 4h",
// "45s" ("2 h 05 min", "3 j 4 h", "45 s"). A negative duration (clocks
// that disagree) reads as zero.
func Duration(lang string, d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Truncate(time.Second)
	days := int64(d / (24 * time.Hour))
	hours := int64(d/time.Hour) % 24
	mins := int64(d/time.Minute) % 60
	switch {
	case days > 0:
		return T(lang, "format.duration.days", map[string]any{"D": days, "H": hours})
	case hours > 0:
		return T(lang, "format.duration.hours", map[string]any{"H": hours, "M": twoDigits(mins)})
	case mins > 0:
		return T(lang, "format.duration.minutes", map[string]any{"M": mins})
	default:
		return T(lang, "format.duration.seconds", map[string]any{"S": int64(d/time.Second) % 60})
	}
}

func twoDigits(n int64) string {
	return string([]byte{byte('0' + n/10%10), byte('0' + n%10)})
}

// Weekday names a day: short ("Mon", "lun.") or long ("Monday", "lundi").
func Weekday(lang string, d time.Weekday, long bool) string {
	form := "short"
	if long {
		form = "long"
	}
	return T(lang, "format.weekday."+form+"."+d.String(), nil)
}

// Month names a month: "December", "décembre".
func Month(lang string, m time.Month) string {
	return T(lang, "format.month."+m.String(), nil)
}

// When writes a moment for people in loc (BOT_TIMEZONE), naming the zone:
// "5 December 2026, 14:02 CET" / "5 décembre 2026, 14:02 CET". A nil loc
// is UTC.
func When(lang string, t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	return T(lang, "format.when", map[string]any{
		"Day": t.Day(), "Month": Month(lang, t.Month()), "Year": t.Year(),
		"Time": t.Format("15:04"), "Zone": t.Format("MST"),
	})
}
