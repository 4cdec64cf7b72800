"""The comment reader and the grounding of a model's values (index/comment_values.py), on fields
as real specs give them; the model itself is exercised in test_model_runtime.py."""

from __future__ import annotations

import json
import os
import random

from apicall.index.arguments import Field, fill_fields
from apicall.index.comment_values import CommentReader, Grounding, read_comment_values
from apicall.index.value_words import request_words_of

STRING = {"type": "string", "maxLength": 48}
FUZZ_CASES = int(os.environ.get("APICALL_FUZZ_CASES", "3000"))
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}


def fields(*specs: tuple[str, str, dict]) -> list[Field]:
    return [Field(name, location, schema, False) for name, location, schema in specs]


def test_a_value_next_to_its_fields_name_lands_and_little_words_are_skipped():
    asked = fields(("version", "body", STRING), ("ttl", "body", INTEGER))
    assert read_comment_values(asked, "upgrade db major version to 16, ttl 60") == {
        "version": "16",
        "ttl": 60,
    }
    permission = fields(("permission", "body", STRING))
    assert read_comment_values(permission, "grant the team admin permission on the repo") == {}


def test_bare_lowercase_values_land_where_nothing_follows_them():
    user = fields(("user", "path", STRING))
    op = "GET /users/{user}/repos: List repositories for a user"
    assert read_comment_values(user, "repos of user octocat", op) == {"user": "octocat"}
    # "reactions" is a word of the operation and the comment goes on: no value.
    reactions = fields(("user", "query", STRING), ("count", "query", INTEGER))
    said = read_comment_values(
        reactions, "slack: grab user reactions, 20 per page", "GET /reactions.list"
    )
    assert said == {"count": 20}


def test_ids_land_in_the_field_their_resource_names():
    asked = fields(("channel_id", "path", INTEGER), ("video_id", "path", INTEGER))
    assert read_comment_values(asked, "vimeo captions for video 555 in channel 12") == {
        "video_id": 555,
        "channel_id": 12,
    }
    bare = fields(("id", "path", STRING), ("build_id", "path", INTEGER))
    op = "GET /projects/{id}/builds/{build_id}/artifacts: Download the artifacts"
    assert read_comment_values(bare, "download artifacts for build 88 in project 42", op) == {
        "build_id": 88,
        "id": "42",
    }
    # "id or slug" names an identifier too: "league lec", "project PROJ", "board 42".
    either = fields(("league_id_or_slug", "path", STRING), ("page", "query", INTEGER))
    said = read_comment_values(either, "past matches for league lec")
    assert said == {"league_id_or_slug": "lec"}
    jira = fields(("projectIdOrKey", "path", STRING), ("idOrKey", "path", STRING))
    op = "GET /rest/api/3/project/{projectIdOrKey}/board/{idOrKey}: Get a board"
    said = read_comment_values(jira, "get board 42 of project PROJ", op)
    assert said == {"projectIdOrKey": "PROJ", "idOrKey": "42"}


def test_an_id_lands_in_the_path_parameter_of_the_resource_it_follows():
    jira = fields(("projectIdOrKey", "path", STRING))
    op = "GET /rest/api/3/project/{projectIdOrKey}/properties: Get project property keys"
    said = read_comment_values(jira, "jira: list property keys on project ACME", op)
    assert said == {"projectIdOrKey": "ACME"}
    k8s = fields(("name", "path", STRING), ("namespace", "path", STRING))
    op = "PUT /api/v1/namespaces/{namespace}/roles/{name}: replace the specified Role"
    said = read_comment_values(k8s, 'update k8s role "pod-reader" in namespace dev', op)
    assert said == {"name": "pod-reader", "namespace": "dev"}
    # Two identifiers whose segments end in the same word: "group" names neither.
    azure = fields(
        ("resourceGroupName", "path", STRING), ("hybridRunbookWorkerGroupName", "path", STRING)
    )
    op = (
        "DELETE /resourceGroups/{resourceGroupName}/hybridRunbookWorkerGroups/"
        "{hybridRunbookWorkerGroupName}: Delete a hybrid runbook worker group"
    )
    assert "resourceGroupName" not in read_comment_values(
        azure, "delete worker group onprem-workers", op
    )
    # A parameter that names itself ("project") is not named by the segment before it.
    wikimedia = fields(("project", "path", STRING))
    op = "GET /metrics/bytes-difference/net/per-page/{project}/{page-title}: Net bytes per page"
    assert read_comment_values(wikimedia, "net bytes changed on page Albert_Einstein", op) == {}


def test_the_better_name_of_a_value_wins_over_a_shorter_or_a_non_identifier_one():
    # An id after a resource's name is that resource's identifier, not a field that the
    # same word names: the body's `article`, the page number `page`.
    blog = fields(("article", "body", STRING), ("id", "path", STRING))
    op = "PUT /articles/{id}.json: Update an article"
    assert read_comment_values(blog, "edit article 77 title", op) == {"id": "77"}
    shows = fields(("page", "query", INTEGER), ("show_id", "path", INTEGER))
    op = "GET /tv/pages/{show_id}/episodes: Get the episodes of a show page"
    assert read_comment_values(shows, "episodes of tv page 4242", op) == {"show_id": 4242}
    # A plain word is no id: the field its name says keeps it.
    assert read_comment_values(blog, "edit article draft", op) == {"article": "draft"}
    # Each identifier of a nested path takes the id after its own resource.
    gitlab = fields(("id", "path", STRING), ("target_id", "path", INTEGER))
    op = "GET /projects/{id}/issues/{target_id}/notes: List notes"
    said = read_comment_values(gitlab, "notes on issue 8 in project 31", op)
    assert said == {"target_id": 8, "id": "31"}
    # The longer name said right before the value: "sender domain" is SenderDomainSid's.
    mail = fields(("DomainSid", "path", STRING), ("SenderDomainSid", "body", STRING))
    op = "POST /v1/Domains/{DomainSid}/Senders: create sender"
    said = read_comment_values(mail, "add sender with sender domain SD42", op)
    assert said == {"SenderDomainSid": "SD42"}
    # A name before a connector gives way to a field named by the connector itself.
    money = fields(("amount", "query", STRING), ("to", "query", STRING))
    op = "GET /convert: Convert an amount"
    assert read_comment_values(money, "convert amount to EUR", op) == {"to": "EUR"}


def test_owner_slash_name_fills_the_two_path_parameters_it_states():
    github = fields(("owner", "path", STRING), ("repo", "path", STRING))
    op = "GET /repos/{owner}/{repo}/pulls: List pull requests"
    said = read_comment_values(github, "list open pull requests of acme/app", op)
    assert said == {"owner": "acme", "repo": "app"}
    bitbucket = fields(("workspace", "path", STRING), ("repo_slug", "path", STRING))
    op = "DELETE /repositories/{workspace}/{repo_slug}: Delete a repository"
    said = read_comment_values(bitbucket, "permanently remove bitbucket repo acme/old-repo", op)
    assert said == {"workspace": "acme", "repo_slug": "old-repo"}
    # An object's key is a file's path, not a bucket and a key.
    s3 = fields(("Bucket", "path", STRING), ("Key", "path", STRING))
    op = "PUT /{Bucket}/{Key}?legal-hold: PutObjectLegalHold"
    said = read_comment_values(s3, "put legal hold for s3 object reports/2023.csv", op)
    assert "Bucket" not in said


def test_dates_land_at_the_end_of_the_range_the_comment_says():
    usage = fields(
        ("Category", "query", STRING), ("StartDate", "query", STRING), ("EndDate", "query", STRING)
    )
    said = read_comment_values(usage, "pull daily sms usage from 2024-01-01 to 2024-01-31")
    assert said == {"StartDate": "2024-01-01", "EndDate": "2024-01-31"}
    since = fields(("madeWhenFrom", "query", STRING), ("madeWhenTo", "query", STRING))
    assert read_comment_values(since, "written statements made since 2024-01-01") == {
        "madeWhenFrom": "2024-01-01"
    }
    flight = fields(("departureDate", "query", STRING), ("returnDate", "query", STRING))
    assert read_comment_values(flight, "cheapest flight on 2020-08-01") == {}  # two dates
    one = fields(("departureDate", "query", STRING))
    assert read_comment_values(one, "cheapest flight on 2020-08-01") == {
        "departureDate": "2020-08-01"
    }


def test_a_date_fills_the_fields_of_its_parts_and_compact_dates_bound_ranges():
    top = fields(
        ("project", "path", STRING),
        ("year", "path", STRING),
        ("month", "path", STRING),
        ("day", "path", STRING),
    )
    op = "GET /metrics/pageviews/top/{project}/{access}/{year}/{month}/{day}"
    said = read_comment_values(top, "top viewed articles on 2024/01/15", op)
    assert said == {"year": "2024", "month": "01", "day": "15"}
    assert read_comment_values(top, "top editors for 2024/03/all-days", op) == {
        "year": "2024",
        "month": "03",
        "day": "all-days",
    }
    on_this_day = fields(("month", "query", STRING), ("day", "query", INTEGER))
    said = read_comment_values(on_this_day, "random famous person who died on 12/25")
    assert said == {"month": "12", "day": 25}
    assert read_comment_values(on_this_day, "who died on 25/12") == {}  # no 25th month
    # Two dates: which one is meant is not said.
    assert read_comment_values(top, "compare 2024/01/15 with 2024/02/15", op) == {}
    bounds = fields(("start", "path", STRING), ("end", "path", STRING))
    said = read_comment_values(bounds, "signup counts from 20240101 to 20240301")
    assert said == {"start": "20240101", "end": "20240301"}
    # Eight digits that are no date are not a range's end.
    assert read_comment_values(bounds, "signup counts from 20241399") == {}


def test_the_only_date_stated_dates_the_one_date_field():
    stats = fields(("subuser", "query", STRING), ("date", "query", STRING))
    said = read_comment_values(stats, "sendgrid monthly stats for all subusers, 2024-05-01")
    assert said == {"date": "2024-05-01"}
    feed = fields(("category_id", "query", STRING), ("snapshot_date", "query", STRING))
    said = read_comment_values(feed, "download snapshot TSV for 2024-05-01T14:00:00.000Z")
    assert said == {"snapshot_date": "2024-05-01T14:00:00.000Z"}


def test_names_said_as_initials_run_together_or_after_an_id_word():
    note = fields(("id", "path", STRING), ("merge_request_id", "path", INTEGER))
    op = "POST /v3/projects/{id}/merge_request/{merge_request_id}/comments"
    assert read_comment_values(note, "post a note on MR 5", op) == {"merge_request_id": 5}
    firewall = fields(("resourceGroupName", "path", STRING), ("azureFirewallName", "path", STRING))
    said = read_comment_values(firewall, "delete azure firewall fw-hub in rg net-rg")
    assert said["resourceGroupName"] == "net-rg"
    gift = fields(("gift_card_id", "path", STRING), ("customer_id", "body", STRING))
    said = read_comment_values(gift, "attach customer to giftcard gftc_123")
    assert said == {"gift_card_id": "gftc_123"}
    trello = fields(("idAction", "path", STRING))
    said = read_comment_values(trello, "trello delete comment action 77 on card 42")
    assert said == {"idAction": "77"}
    # Initials that are a little word name nothing: "on" is not order_number.
    order = fields(("order_number", "query", STRING))
    assert read_comment_values(order, "orders shipped on 2024 invoices") == {}


def test_an_ids_prefix_says_which_field_it_fills():
    stripe = fields(("payment_method", "path", STRING), ("customer", "query", STRING))
    said = read_comment_values(stripe, "stripe: retrieve pm_123 for customer cus_456")
    assert said == {"payment_method": "pm_123", "customer": "cus_456"}
    # Two fields the prefix could abbreviate: which one is not said.
    two = fields(("charge", "path", STRING), ("channel", "query", STRING))
    assert read_comment_values(two, "refund ch_3Nab1 now") == {}
    # A field's own snake_case name is no id.
    selector = fields(("label_selector", "body", STRING))
    assert read_comment_values(selector, "targets by label_selector") == {}


def test_how_many_of_the_newest_is_a_page_size_and_a_span_of_time_is_not():
    timeline = fields(("count", "query", INTEGER), ("exclude_replies", "query", BOOLEAN))
    op = "GET /statuses/user_timeline.json: statuses user timeline"
    said = read_comment_values(timeline, "fetch last 50 tweets, exclude replies", op)
    assert said == {"count": 50, "exclude_replies": True}
    assert read_comment_values(timeline, "tweets of the last 30 days", op) == {}


def test_run_together_ids_compact_integer_dates_and_time_zones():
    nhl = fields(("playerid", "path", STRING), ("format", "path", STRING))
    assert read_comment_values(nhl, "nhl stats: player details for player 30000001") == {
        "playerid": "30000001"
    }
    report = fields(("beginDate", "query", INTEGER), ("endDate", "query", INTEGER))
    said = read_comment_values(report, "subscriptions updated between 20240101 and 20240131")
    assert said == {"beginDate": 20240101, "endDate": 20240131}
    stats = fields(("timezone", "query", STRING), ("group_by", "query", STRING))
    said = read_comment_values(stats, "download single send stats in America/New_York tz")
    assert said == {"timezone": "America/New_York"}


def test_acronyms_of_the_operation_names_of_several_words_and_counts_before_max():
    url = fields(("FunctionName", "path", STRING))
    op = "POST /2021-10-31/functions/{FunctionName}/url: create function url config"
    assert read_comment_values(url, "lambda: create function URL for my-func", op) == {}
    desk = fields(("name", "body", STRING), ("site_id", "body", STRING))
    said = read_comment_values(desk, "zoom phone: create auto receptionist named Front Desk")
    assert said == {"name": "Front Desk"}
    blocked = fields(("id", "path", STRING), ("max_results", "query", INTEGER))
    op = "GET /2/users/{id}/blocking"
    said = read_comment_values(blocked, "list accounts blocked by user, 100 max", op)
    assert said == {"max_results": 100}
    dm = fields(("participant_id", "path", STRING), ("max_results", "query", INTEGER))
    op = "GET /2/dm_conversations/with/{participant_id}/dm_events"
    said = read_comment_values(dm, "load twitter dm history with user 2244994945, max 50", op)
    assert said.get("max_results") == 50


def test_currencies_locales_phone_numbers_and_ip_addresses_by_their_form():
    fx = fields(("base_currency", "query", STRING), ("symbols", "query", STRING))
    assert read_comment_values(fx, "refresh fx rates against USD") == {"base_currency": "USD"}
    nlu = fields(("Language", "query", STRING), ("Status", "query", STRING))
    assert read_comment_values(nlu, "recent nlu queries in en-US") == {"Language": "en-US"}
    # A header the comment does not name is the client's to set.
    bing = fields(("Accept-Language", "header", STRING), ("count", "query", INTEGER))
    assert "Accept-Language" not in read_comment_values(bing, "trending topics in en-US")
    dnc = fields(("toNumber", "query", STRING))
    said = read_comment_values(dnc, "is +15551234567 on the do-not-contact list")
    assert said == {"toNumber": "+15551234567"}
    linode = fields(("linodeId", "path", INTEGER), ("address", "path", STRING))
    said = read_comment_values(linode, "delete ip 203.0.113.5 from instance 123")
    assert said["address"] == "203.0.113.5"


def test_me_is_a_users_value_only_where_the_comment_asks_for_its_own():
    gmail = fields(("userId", "path", STRING), ("id", "path", STRING))
    assert read_comment_values(gmail, "grab sendas aliases for me") == {"userId": "me"}
    assert read_comment_values(gmail, "show me the labels") == {}
    assert read_comment_values(fields(("name", "path", STRING)), "labels for me") == {}


def test_the_one_path_id_left_takes_the_one_id_the_comment_states():
    sign = fields(("sign_request_id", "path", STRING))
    op = "POST /sign_requests/{sign_request_id}/cancel: Cancel sign request"

    def read(comment: str) -> dict:
        return read_comment_values(sign, comment, op)

    assert read("cancel signature request 33") == {"sign_request_id": "33"}
    match = fields(("match_id_or_slug", "path", STRING))
    assert read_comment_values(
        match, "fetch match 565123 details", "GET /matches/{match_id_or_slug}"
    ) == {"match_id_or_slug": "565123"}
    # Not a count, a duration, a product's version, a new name or another thing's value.
    assert read("cancel the last 50 requests") == {}
    assert read("cancel it after 10s") == {}
    assert read("cancel the k8s v2 request") == {}
    assert read("rename the request to 'q-42'") == {}
    assert read("cancel the request of signer 77") == {}
    # Two ids, or two path parameters left: which is which is not said.
    assert read("cancel 33 or 34") == {}
    two = fields(("AccountSid", "path", STRING), ("Sid", "path", STRING))
    assert read_comment_values(two, "twilio recording RE123") == {}
    # The one path parameter left need not be named as an identifier (Stripe's {charge}).
    charge = fields(("charge", "path", STRING))
    op = "GET /v1/charges/{charge}/refunds: List all refunds"
    assert read_comment_values(charge, "show refunds on ch_123", op) == {"charge": "ch_123"}
    # After the API's version, the path takes a whole resource name (Google's /v1/{name}).
    google = fields(("parent", "path", STRING))
    op = "GET /v1/{parent}/instances: Lists Data Fusion instances"
    said = read_comment_values(google, "list data fusion instances in projects/acme", op)
    assert said == {"parent": "projects/acme"}
    assert read_comment_values(google, "list cloud data fusion instances in us-central1", op) == {}
    # A path parameter whose name has no words at all (a hostile spec's "$") is left alone.
    assert read_comment_values(fields(("$", "path", STRING)), "get thing 12345") == {}


def test_page_sizes_enums_and_lists_are_read():
    page = fields(
        ("per_page", "query", INTEGER), ("sort", "query", {**STRING, "enum": ["newest", "popular"]})
    )
    assert read_comment_values(page, "load image licenses, newest first, 50 per page") == {
        "per_page": 50,
        "sort": "newest",
    }
    ids = fields(("ids", "query", {"type": "array", "items": {"type": "string"}}))
    assert read_comment_values(ids, "artists with ids abc,def") == {"ids": ["abc", "def"]}
    # A count of what the operation lists; a number right before the field's name.
    timeline = fields(("count", "query", INTEGER))
    op = "GET /statuses/home_timeline.json: Returns a collection of the most recent Tweets"
    assert read_comment_values(timeline, "load 40 home statuses", op) == {"count": 40}
    assert read_comment_values(timeline, "load home statuses of user 4000123", op) == {}
    flights = fields(("adults", "query", INTEGER))
    said = read_comment_values(flights, "search flights JFK to LHR for 2 adults")
    assert said == {"adults": 2}


def test_a_values_form_says_which_field_takes_it():
    asked = fields(
        ("url", "query", STRING), ("country", "query", STRING), ("IpAddress", "body", STRING)
    )
    said = read_comment_values(asked, "find similar products for https://example.com/item/1")
    assert said == {"url": "https://example.com/item/1"}
    assert read_comment_values(asked, "all ATMs in GB") == {"country": "GB"}
    assert read_comment_values(asked, "pull company data in EN") == {}  # a language
    said = read_comment_values(asked, "add 203.0.113.10 to ip access control list")
    assert said == {"IpAddress": "203.0.113.10"}
    # Two fields of the kind: which one is not said.
    two = fields(("SmsUrl", "body", STRING), ("StatusCallbackUrl", "body", STRING))
    assert read_comment_values(two, "point short code SC1 to https://example.com/sms") == {}


def test_in_names_the_place_for_the_one_field_that_says_where():
    pods = fields(("namespace", "path", STRING), ("name", "path", STRING))
    op = "DELETE /api/v1/namespaces/{namespace}/pods/{name}: delete a Pod"
    assert read_comment_values(pods, "delete pod web-1 in staging", op) == {
        "name": "web-1",
        "namespace": "staging",
    }
    assert read_comment_values(pods, "delete pod web-1 in ns prod", op)["namespace"] == "prod"
    # "in k8s namespace" says which kind of thing, not which one; "in the" is no place.
    assert "namespace" not in read_comment_values(pods, "delete pod web-1 in k8s namespace", op)
    assert "namespace" not in read_comment_values(pods, "delete pod web-1 in the cluster", op)


def test_quoted_values_keep_their_words_and_one_value_fills_one_field():
    asked = fields(("title", "body", STRING), ("key", "body", STRING))
    assert read_comment_values(asked, 'register public key titled "laptop"') == {"title": "laptop"}
    hold = fields(("policy_name", "body", STRING), ("description", "body", STRING))
    assert read_comment_values(hold, 'new legal hold named "Case 42"') == {"policy_name": "Case 42"}
    assert read_comment_values(hold, "new legal hold named after the case") == {}


def test_the_one_required_field_left_takes_the_one_id_stated():
    surveys = [
        Field("list_id", "query", STRING, True),
        Field("count", "query", INTEGER, False),
    ]
    op = "GET /reports/surveys: surveys of an audience"
    said = read_comment_values(surveys, "grab all surveys for mailchimp audience 4ca5becb8d", op)
    assert said == {"list_id": "4ca5becb8d"}
    # Two ids: which is the list's is not said.
    assert read_comment_values(surveys, "surveys for audience 4ca5becb8d or ab12cd34", op) == {}
    # The API's own name is whose the call is, never a value of it.
    geolocate = [Field("ip", "query", STRING, True), Field("key", "query", STRING, True)]
    said = fill_fields(
        geolocate, "geolocate ip 8.8.8.8 with ip2location.io", api_words="IP2Location.io"
    )
    assert said.arguments == {"ip": "8.8.8.8"}


def test_quoted_text_lands_in_the_one_field_left_that_takes_free_text():
    search = fields(("q", "query", STRING), ("limit", "query", INTEGER))
    said = read_comment_values(search, "find accounts matching 'gargron', limit 5")
    assert said == {"q": "gargron", "limit": 5}
    site = fields(("siteId", "path", STRING), ("FriendlyName", "body", STRING))
    said = read_comment_values(site, "rename zoom phone site abc123 to 'HQ East'")
    assert said == {"siteId": "abc123", "FriendlyName": "HQ East"}
    # Two fields that take free text, or two quoted texts: which goes where is not said.
    both = fields(("query", "query", STRING), ("name", "query", STRING))
    assert read_comment_values(both, "find projects like 'web'") == {}
    assert read_comment_values(search, "search 'rust' or 'go'") == {}


def test_a_switch_the_comment_names_is_turned_on():
    BOOLEAN = {"type": "boolean"}
    node = fields(("id", "path", STRING), ("force", "query", BOOLEAN))
    op = "DELETE /nodes/{id}: Delete a node"
    said = read_comment_values(node, "force remove docker swarm node node-3", op)
    assert said == {"id": "node-3", "force": True}
    logs = fields(("timestamps", "query", BOOLEAN), ("includeDeleted", "query", BOOLEAN))
    said = read_comment_values(logs, "last 100 log lines with timestamps, incl deleted")
    assert said == {"timestamps": True, "includeDeleted": True}
    # Said the other way round, or the operation's own word (S3's ?versioning): no switch.
    build = fields(("nocache", "query", BOOLEAN), ("cache", "query", BOOLEAN))
    assert read_comment_values(build, "build the image without cache") == {}
    versioning = fields(("versioning", "query", BOOLEAN))
    op = "PUT /{Bucket}?versioning: PutBucketVersioning"
    assert read_comment_values(versioning, "enable versioning on bucket backups", op) == {}


def test_a_point_lands_in_the_latitude_and_longitude_left():
    NUMBER = {"type": "number"}
    point = fields(("lat", "query", NUMBER), ("lon", "query", NUMBER), ("days", "query", INTEGER))
    assert read_comment_values(point, "marine forecast for 58.7984, 17.8081") == {
        "lat": 58.7984,
        "lon": 17.8081,
    }
    said = read_comment_values(point, "past weather at 35.7,-78.6")
    assert said == {"lat": 35.7, "lon": -78.6}
    named = fields(("latitude", "query", NUMBER), ("longitude", "query", NUMBER))
    said = read_comment_values(named, "airports near lat 51.57 lon -0.7")
    assert said == {"latitude": 51.57, "longitude": -0.7}
    # Not a point: out of range, or numbers that are not a pair.
    assert read_comment_values(named, "airports near 151.57, 200.5") == {}
    assert read_comment_values(named, "airports near 51.57 within 2.5 km") == {}


def test_a_route_and_a_handle_land_in_the_fields_they_fit():
    flights = fields(
        ("originLocationCode", "query", STRING),
        ("destinationLocationCode", "query", STRING),
        ("adults", "query", INTEGER),
    )
    said = read_comment_values(flights, "search flights JFK to LHR for 2 adults")
    assert said == {"originLocationCode": "JFK", "destinationLocationCode": "LHR", "adults": 2}
    said = read_comment_values(flights, "predict delay for IB532 NCE->IST")
    assert said == {"originLocationCode": "NCE", "destinationLocationCode": "IST"}
    assert read_comment_values(flights, "flights from JFK or LHR") == {}  # no route said
    lists = fields(("owner_screen_name", "query", STRING), ("slug", "query", STRING))
    said = read_comment_values(lists, "follow the list owned by @twitterapi")
    assert said == {"owner_screen_name": "twitterapi"}
    assert read_comment_values(lists, "lists of @acme and @octo") == {}


def grounding(comment: str, operation: str = "", api: str = "") -> Grounding:
    return Grounding(CommentReader(comment, operation), api_words=api)


def test_grounding_keeps_whole_stated_values_only():
    asked = fields(("invoice", "path", STRING), ("account_tax_ids", "body", STRING))
    check = grounding("set stripe invoice in_123 due in 30 days", api="stripe")
    assert check.unstated("in_123", asked[0], asked) == ""
    assert check.unstated("123", asked[1], asked)  # a piece of in_123
    assert check.unstated("stripe", asked[1], asked)  # the API's name
    assert check.unstated("due in 30 days", asked[1], asked)  # not a word or quoted text


def test_grounding_refuses_a_value_the_comment_gives_another_field():
    asked = fields(("occurrence_id", "query", STRING), ("webinarId", "path", INTEGER))
    check = grounding("fetch zoom webinar 987654321 details")
    assert check.unstated("987654321", asked[0], asked)
    assert check.unstated(987654321, asked[1], asked) == ""


def test_grounding_refuses_plain_words_not_said_of_the_field():
    asked = fields(("variation", "query", STRING), ("namespace", "path", STRING))
    check = grounding("read k8s resourcequota status for compute-quota in dev namespace")
    assert check.unstated("dev", asked[1], asked) == ""
    assert check.unstated("dev", asked[0], asked)
    assert grounding("hit the shakespeare api for 5 random names").unstated(
        "random", asked[0], asked
    )


def test_grounding_refuses_values_that_do_not_fit_a_field_the_comment_does_not_name():
    asked = fields(
        ("name", "body", STRING),
        ("cursor", "query", STRING),
        ("expand", "query", STRING),
        ("updateMask", "query", STRING),
        ("dispute", "path", STRING),
    )
    name, cursor, expand, mask, dispute = asked
    # A product's or a version's name, a number for a name, a page's cursor, an expansion.
    assert grounding("replace k8s secret").unstated("k8s", name, asked)
    assert grounding("allocate a new primary ip for server 42").unstated("42", name, asked)
    assert grounding("slack denied invites for T0123").unstated("T0123", cursor, asked)
    accept = grounding("accept the stripe chargeback dp_123")
    assert accept.unstated("dp_123", expand, asked)
    assert accept.unstated("dp_123", dispute, asked) == ""
    # The field's own name is not its value; named before it, a value is the field's.
    assert grounding("patch model tags, updateMask tags").unstated("updateMask", mask, asked)
    check = grounding("patch model, updateMask display_name")
    assert check.unstated("display_name", mask, asked) == ""
    assert grounding("name r2d2 for the droid").unstated("r2d2", name, asked) == ""
    # A switch that is the operation's own word (S3's ?accelerate) is no switch of it.
    switch = fields(("accelerate", "query", {"type": "boolean"}))
    check = grounding("is accelerate enabled on bucket uploads", "GET /{Bucket}?accelerate")
    assert check.unstated(True, switch[0], switch)


def test_grounding_refuses_values_whose_form_or_place_says_they_are_not_the_fields():
    asked = fields(
        ("Sid", "path", STRING),
        ("ip", "path", STRING),
        ("bucket", "path", STRING),
        ("results", "body", STRING),
        ("FunctionName", "path", STRING),
        ("site_id", "path", STRING),
    )
    sid, ip, bucket, results, function, site = asked
    # A new value ("rename it to 'x'") is not the id of the thing renamed.
    assert grounding("twilio wireless: rename rate plan to 'iot-basic'").unstated(
        "iot-basic", sid, asked
    )
    assert grounding("twilio recording RE123 for this call").unstated("RE123", sid, asked) == ""
    # A host name is no IP address; an IP address is.
    assert grounding("change PTR to lb.example.com").unstated("lb.example.com", ip, asked)
    assert grounding("change PTR of 10.0.0.7").unstated("10.0.0.7", ip, asked) == ""
    assert grounding("change PTR of 2001:db8::1").unstated("2001:db8::1", ip, asked) == ""
    # A region or a zone for a field that is no place, a span of time with its unit, a file's
    # name for an id, the request's own first word, the API's own name.
    check = grounding("turn off gcs cache instance us-central1-a for my-bucket")
    assert check.unstated("us-central1-a", bucket, asked)
    assert check.unstated("my-bucket", bucket, asked) == ""
    inline = grounding("respond to inline query with results, cache 300s")
    assert inline.unstated("300s", results, asked)
    assert grounding("read deployed file index.html").unstated("index.html", site, asked)
    revoke = grounding("revoke function policy statement s3-invoke")
    assert revoke.unstated("revoke", function, asked)
    colors = grounding("grab all color names from color.pizza", api="Color.pizza")
    assert colors.unstated("color.pizza", results, asked)
    assert grounding("check confidentiality of article 123 v 2").unstated(2, results, asked) == ""
    more = fields(
        ("name", "body", STRING),
        ("SessionSid", "path", STRING),
        ("destinationBucket", "body", STRING),
        ("size", "body", STRING),
        ("country", "query", STRING),
        ("file_name", "body", STRING),
    )
    name, session, destination, size, country, file_name = more
    assert grounding("hetzner create network 10.0.0.0/16").unstated("10.0.0.0/16", name, more)
    proxy = grounding('twilio proxy: send "Your driver is here" to the participant')
    assert proxy.unstated("Your driver is here", session, more)
    merged = grounding("concatenate chunk files into merged.bin")
    assert merged.unstated("merged.bin", destination, more)
    assert merged.unstated("merged.bin", file_name, more) == ""
    volume = grounding('spin up a 20GB volume in us-east labeled "db-data"')
    assert volume.unstated("20GB", size, more)
    assert grounding("pull extracted company doc data in EN").unstated("EN", country, more)
    assert grounding("provinces with ATM locations for CA").unstated("CA", country, more) == ""


def test_fill_fields_keeps_only_the_grounded_part_of_a_models_answer():
    # The model path alone (picker=False here and below): the value picker would read these
    # values before any model is asked.
    asked = fields(
        ("limit", "query", INTEGER), ("filter", "query", STRING), ("user", "query", STRING)
    )

    def model(remaining: list[Field]) -> str:
        assert [f.name for f in remaining] == ["filter", "user"]  # limit was read already
        return '{"filter": "limit 20", "user": "octocat"}'

    result = fill_fields(asked, "list gists of user octocat, limit 20", propose=model, picker=False)
    assert result.arguments == {"limit": 20, "user": "octocat"}
    assert result.sources == {"limit": "comment", "user": "model"}
    assert set(result.rejected) == {"filter"}


def test_a_stated_number_the_model_gives_a_text_field_is_kept_as_text():
    asked = fields(("tspId", "path", STRING), ("start_date", "query", STRING))

    def model(remaining: list[Field]) -> str:
        return '{"tspId": 1, "start_date": "2024-01-01"}'

    said = fill_fields(
        asked, "fetch tsp account 1 for Raleigh 2024-01-01 on", propose=model, picker=False
    )
    assert said.arguments == {"tspId": "1", "start_date": "2024-01-01"}


def test_the_model_is_asked_only_while_the_comment_holds_a_value_the_reader_left():
    asked = fields(("user", "path", STRING), ("per_page", "query", INTEGER))
    asked_for: list[list[str]] = []

    def model(remaining: list[Field]) -> str:
        asked_for.append([f.name for f in remaining])
        return "{}"

    # Nothing stated, or every stated value read: no model call (a product's name is no value).
    fill_fields(
        asked,
        "list the repositories of a GitHub user",
        propose=model,
        api_words="GitHub",
        picker=False,
    )
    fill_fields(asked, "list the repositories of a Stripe user", propose=model, picker=False)
    fill_fields(asked, "50 per page, repos of user octocat", propose=model, picker=False)
    assert asked_for == []
    # An id, a capitalised name or quoted text the reader gave no field: the model is asked.
    fill_fields(asked, "repos of Octocat", propose=model, picker=False)
    fill_fields(asked, "list repos, 50 per page, for 'octo cat'", propose=model, picker=False)
    assert asked_for == [["user", "per_page"], ["user"]]


def test_a_stated_value_longer_than_the_grammars_bound_is_kept_within_reason():
    parent = [Field("parent", "path", STRING, True)]
    op = "GET /v1/{parent}/workflows: List workflows"
    name = "projects/acme-analytics/locations/us-central1/workflows/nightly-etl"
    assert len(name) > 48  # the grammar's bound on what the model writes
    said = fill_fields(parent, f"list workflows under {name}", operation=op)
    assert said.arguments == {"parent": name}
    runaway = "projects/" + "a" * 400
    said = fill_fields(parent, f"list workflows under {runaway}", operation=op)
    assert said.arguments == {} and "parent" in said.rejected


def test_a_model_answer_cut_at_its_token_limit_keeps_its_complete_members():
    asked = fields(("user", "query", STRING), ("repo", "query", STRING))

    def model(remaining: list[Field]) -> str:
        return '{"user": "Octocat", "repo": "Hello-Wor'  # the grammar's prefix, cut short

    result = fill_fields(asked, "issues for Octocat and Hello-World", propose=model, picker=False)
    assert result.arguments == {"user": "Octocat"}
    assert result.sources == {"user": "model"}


def test_words_developers_ask_with_are_learned_and_never_filled():
    said = [("check the deploy status", {})] * 20 + [("set status to live", {"status": "live"})]
    said += [("deploy acme", {"name": "acme"})] * 3
    asking = request_words_of(said, min_comments=3)
    assert {"check", "deploy", "status"} <= set(asking)  # "status": a value 1 time in 21
    assert "acme" not in asking and "live" not in asking  # a value, or said too rarely
    deploy = fields(("deploy_id", "path", STRING))
    assert read_comment_values(deploy, "check netlify deploy status") == {}  # shipped list
    assert CommentReader("check netlify deploy status", "", frozenset()).values(deploy) == {
        "deploy_id": "status"
    }


def test_digits_that_are_not_decimal_are_no_numbers():
    """ "²" is a digit to Python's isdigit() but not a number int() reads: it once raised."""
    asked = fields(
        ("limit", "query", INTEGER), ("id", "path", STRING), ("adults", "query", INTEGER)
    )
    op = "GET /things/{id}: list things"
    for comment in ("list ² things", "max ² items", "² adults", "limit ²", "#² x"):
        said = read_comment_values(asked, comment, op)
        assert "limit" not in said and "adults" not in said
    # A decimal digit of another script is a number.
    assert read_comment_values(asked, "list ٣ things", op) == {"limit": 3}


def test_the_reader_survives_any_comment_and_any_spec():
    """Seeded random comments and hostile field names, types and paths: values or nothing,
    never an exception."""
    rng = random.Random(3)
    pieces = [
        "²",
        "٣",
        "12",
        "10000000",
        "acme/api",
        "a/b/c",
        "projects/x",
        "https://x.y/z",
        "GB",
        "1.2.3.4",
        "+15551234567",
        "x.com",
        '"q"',
        "named",
        "titled",
        "2024-01-01",
        "since",
        "to",
        "me",
        "for",
        "limit",
        "#7",
        "=",
        ":",
        "/",
        "{x}",
        "$",
        "ß",
        "ﬁ",
        "\u0301",
        "\x00",
        "name",
        "id",
        "users",
        "-5",
        "1e9",
        "0x1F",
        "]",
        "(",
        ",",
        "lat",
        "lon",
        "51.5",
        "-0.12",
        "35.7,-78.6",
        "999.9,1.5",
        "JFK",
        "LHR",
        "NCE->IST",
        "@acme_bot",
        "@",
        "force",
        "without",
        "'quoted text'",
        "k8s",
        "Stripe",
    ]
    names = [
        "id",
        "name",
        "$",
        "",
        "{x}",
        "owner",
        "repo",
        "url",
        "country",
        "IpAddress",
        "limit",
        "user_id",
        "policy_name",
        "ﬁle",
        "a b",
        "İd",
        "lat",
        "longitude",
        "originLocationCode",
        "destinationLocationCode",
        "screen_name",
        "q",
        "force",
        "league_id_or_slug",
        "idOrKey",
        "cursor",
    ]
    schemas: list[dict] = [
        STRING,
        INTEGER,
        {"type": "number"},
        {"type": "boolean"},
        {},
        {"type": "array", "items": {"type": "string"}},
        {"type": "string", "enum": ["a", 1, None]},
    ]
    for _ in range(FUZZ_CASES):
        comment = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        asked = [
            Field(
                rng.choice(names),
                rng.choice(["path", "query", "body"]),
                rng.choice(schemas),
                rng.random() < 0.5,
            )
            for _ in range(rng.randint(1, 4))
        ]
        segments = ["v1", "users", "per-page", "", "{}", "{/}"]
        segments += ["{" + f.name + "}" for f in asked] + ["{+" + f.name + "}" for f in asked]
        path = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 5)))
        said = read_comment_values(asked, comment, f"GET /{path}: {rng.choice(pieces)}")
        assert set(said) <= {f.name for f in asked}
        # The whole filling path, with a model that answers anything at all.
        answer = {
            f.name: rng.choice([rng.choice(pieces), 7, True, [rng.choice(pieces)]]) for f in asked
        }
        reply = json.dumps(answer)
        filled = fill_fields(asked, comment, "", lambda _, r=reply: r, rng.choice(pieces))
        assert set(filled.arguments) <= {f.name for f in asked}
