"""go_native (httpsnippet's go/native)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder
from ..prepare import PreparedRequest
from ..strings import GO


def go_native(source: PreparedRequest) -> str:
    code = CodeBuilder("\t")
    post = source.post_data
    code.push("package main").blank().push("import (").push(1, '"fmt"')
    if post.text:
        code.push(1, '"strings"')
    code.push(1, '"net/http"').push(1, '"io/ioutil"').push(")").blank()
    code.push("func main() {").blank()
    code.push(1, "url := %s", GO.literal(source.full_url)).blank()
    if post.text:
        code.push(1, "payload := strings.NewReader(%s)", GO.literal(post.text)).blank()
        code.push(1, "req, _ := http.NewRequest(%s, url, payload)", GO.literal(source.method))
        code.blank()
    else:
        code.push(1, "req, _ := http.NewRequest(%s, url, nil)", GO.literal(source.method)).blank()
    if source.all_headers:
        for key, value in source.all_headers.items():
            code.push(1, "req.Header.Add(%s, %s)", GO.literal(key), GO.literal(value))
        code.blank()
    code.push(1, "res, _ := http.DefaultClient.Do(req)").blank()
    code.push(1, "defer res.Body.Close()").push(1, "body, _ := ioutil.ReadAll(res.Body)")
    code.blank().push(1, "fmt.Println(res)").push(1, "fmt.Println(string(body))")
    code.blank().push("}")
    return code.join()
