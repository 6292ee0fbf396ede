package faketiktok

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// call sends one request with the token and returns the envelope's code and message.
func call(t *testing.T, s *Server, method, path string, q url.Values, body string) (int, string, json.RawMessage) {
	t.Helper()
	u := s.URL() + "/open_api/v1.3" + path
	if q != nil {
		u += "?" + q.Encode()
	}
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Access-Token", s.Token())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got HTTP %d, want 200: TikTok answers errors in the envelope", resp.StatusCode)
	}
	var env struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	json.NewDecoder(resp.Body).Decode(&env)
	return env.Code, env.Message, env.Data
}

func TestStatusUpdateLimits(t *testing.T) {
	t.Parallel()
	ids := func(n int, first string) string {
		out := []string{fmt.Sprintf("%q", first)}
		for range n - 1 {
			out = append(out, `"1"`)
		}
		return "[" + strings.Join(out, ",") + "]"
	}
	tests := []struct {
		name     string
		body     string
		wantCode int
		want     string // campaign 1 afterwards
	}{
		{"over the limit", `{"advertiser_id":"42","operation_status":"DISABLE","campaign_ids":` + ids(MaxIDs+1, "1") + `}`, CodeParam, Enable},
		{"empty", `{"advertiser_id":"42","operation_status":"DISABLE","campaign_ids":[]}`, CodeParam, Enable},
		{"at the limit", `{"advertiser_id":"42","operation_status":"DISABLE","campaign_ids":` + ids(MaxIDs, "1") + `}`, CodeOK, Disable},
		{"one unknown id fails the call", `{"advertiser_id":"42","operation_status":"DISABLE","campaign_ids":["1","99"]}`, CodeNotFound, Enable},
		{"bad status", `{"advertiser_id":"42","operation_status":"PAUSED","campaign_ids":["1"]}`, CodeParam, Enable},
		{"other advertiser", `{"advertiser_id":"43","operation_status":"DISABLE","campaign_ids":["1"]}`, CodeNoPermission, Enable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			s.AddCampaign("42", Campaign{ID: "1", OperationStatus: Enable})
			code, msg, _ := call(t, s, http.MethodPost, "/campaign/status/update/", nil, tc.body)
			if code != tc.wantCode {
				t.Errorf("got code %d (%s), want %d", code, msg, tc.wantCode)
			}
			if c, _ := s.Campaign("42", "1"); c.OperationStatus != tc.want {
				t.Errorf("campaign 1: got %s, want %s", c.OperationStatus, tc.want)
			}
		})
	}
}

func TestCampaignGetPaging(t *testing.T) {
	t.Parallel()
	s := New(t)
	s.AddCampaigns("42", 25, Enable)
	tests := []struct {
		name      string
		page      string
		size      string
		wantCode  int
		wantRows  int
		wantPages int
	}{
		{"default page size", "", "", CodeOK, DefaultPageSize, 3},
		{"last page", "3", "10", CodeOK, 5, 3},
		{"past the end", "9", "10", CodeOK, 0, 3},
		{"page size too large", "1", "1001", CodeParam, 0, 0},
		{"page zero", "0", "10", CodeParam, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{"advertiser_id": {"42"}}
			if tc.page != "" {
				q.Set("page", tc.page)
				q.Set("page_size", tc.size)
			}
			code, msg, data := call(t, s, http.MethodGet, "/campaign/get/", q, "")
			var page struct {
				List     []map[string]any `json:"list"`
				PageInfo struct {
					TotalPage int `json:"total_page"`
				} `json:"page_info"`
			}
			json.Unmarshal(data, &page)
			if code != tc.wantCode || len(page.List) != tc.wantRows || page.PageInfo.TotalPage != tc.wantPages {
				t.Errorf("got code %d (%s), %d rows, %d pages; want %d, %d, %d", code, msg, len(page.List), page.PageInfo.TotalPage, tc.wantCode, tc.wantRows, tc.wantPages)
			}
		})
	}
}
