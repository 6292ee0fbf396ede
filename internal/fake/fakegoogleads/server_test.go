package fakegoogleads

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// call posts body to path with a fresh token and returns the status and answer.
func call(t *testing.T, s *Server, path, body string) (int, string) {
	t.Helper()
	resp, err := http.PostForm(s.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "client_id": {ClientID},
		"client_secret": {ClientSecret}, "refresh_token": {RefreshToken}})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/"+Version+"/customers/1234567890/"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("developer-token", DeveloperToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("call: %v", err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func TestLimits(t *testing.T) {
	t.Parallel()
	ops := make([]string, MaxOperations+1)
	for i := range ops {
		ops[i] = `{"updateMask":"status","update":{"resourceName":"customers/1234567890/campaigns/1","status":"PAUSED"}}`
	}
	tests := []struct {
		name, path, body string
		wantStatus       int
		wantText         string
	}{
		{"too many operations", "campaigns:mutate", `{"partialFailure":true,"operations":[` + strings.Join(ops, ",") + `]}`, 400, "TOO_MANY_MUTATE_OPERATIONS"},
		{"page size", "googleAds:search", `{"query":"SELECT campaign.id FROM campaign","pageSize":10}`, 400, "PAGE_SIZE_NOT_SUPPORTED"},
		{"bad page token", "googleAds:search", `{"query":"SELECT campaign.id FROM campaign","pageToken":"nope"}`, 400, "INVALID_PAGE_TOKEN"},
		{"unknown field", "googleAds:search", `{"query":"SELECT campaign.budget FROM campaign"}`, 400, "UNRECOGNIZED_FIELD"},
		{"where", "googleAds:search", `{"query":"SELECT campaign.id FROM campaign WHERE campaign.status IN ('PAUSED')"}`, 200, `"id":"2"`},
		{"labels", "googleAds:search", `{"query":"SELECT campaign.id, label.name FROM campaign_label"}`, 200, `"label":{"name":"Brand","resourceName":"customers/1234567890/labels/`},
		{"label of one campaign", "googleAds:search", `{"query":"SELECT campaign.id, label.name FROM campaign_label WHERE campaign.id = '2'"}`, 200, `"results":[]`},
		{"label from campaign", "googleAds:search", `{"query":"SELECT label.name FROM campaign"}`, 400, "PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE"},
		{"all or nothing", "campaigns:mutate", `{"operations":[{"updateMask":"status","update":{"resourceName":"customers/1234567890/campaigns/1","status":"PAUSED"}},{"updateMask":"status","update":{"resourceName":"customers/1234567890/campaigns/9","status":"PAUSED"}}]}`, 400, "RESOURCE_NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := New(t)
			s.AddCampaign("1234567890", Campaign{ID: "1", Status: Enabled, Labels: []string{"Brand"}})
			s.AddCampaign("1234567890", Campaign{ID: "2", Status: Paused})
			status, body := call(t, s, tc.path, tc.body)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantText) {
				t.Errorf("got %d %.300s, want %d with %s", status, body, tc.wantStatus, tc.wantText)
			}
			if c, _ := s.Campaign("1234567890", "1"); c.Status != Enabled {
				t.Errorf("campaign 1: got %s, want ENABLED: refused requests change nothing", c.Status)
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	f.Add("SELECT campaign.id, campaign.name, campaign.status FROM campaign WHERE campaign.status = 'ENABLED'")
	f.Add("SELECT customer.currency_code, campaign.id FROM campaign WHERE campaign.status NOT IN ('REMOVED') AND campaign.id != '1' LIMIT 5")
	f.Add("SELECT campaign.id FROM ad_group")
	f.Add("SELECT campaign.id, label.name FROM campaign_label WHERE campaign.id IN ('1', '2')")
	f.Fuzz(func(t *testing.T, q string) {
		got, err := parseQuery(q)
		if err == nil && len(got.fields) == 0 {
			t.Errorf("parseQuery(%q): no fields and no error", q)
		}
		if err != nil && err.ErrorCode["queryError"] == "" {
			t.Errorf("parseQuery(%q): got error %v, want a queryError", q, err)
		}
	})
}
