"""swift_nsurlsession (httpsnippet's swift/nsurlsession)."""

from __future__ import annotations

from ..codebuilder import CodeBuilder, literal_swift
from ..jsvalues import js_string, js_truthy
from ..prepare import PreparedRequest
from ..strings import SWIFT


def swift_nsurlsession(source: PreparedRequest) -> str:
    indent = "  "
    code = CodeBuilder(indent)
    has_headers = bool(source.all_headers)
    post = source.post_data
    code.push("import Foundation")
    if has_headers:
        code.blank().push("let headers = " + literal_swift(source.all_headers, indent))
    has_body = bool(post.text) or js_truthy(post.json_obj) or post.params is not None
    if has_body:
        if post.mime_type == "application/x-www-form-urlencoded":
            params = post.params or []
            code.blank().push(
                'let postData = NSMutableData(data: "%s=%s".data(using: String.Encoding.utf8)!)',
                SWIFT.inner(params[0][0]),
                SWIFT.inner(params[0][1]),
            )
            for name, value in params[1:]:
                code.push(
                    'postData.append("&%s=%s".data(using: String.Encoding.utf8)!)',
                    SWIFT.inner(name),
                    SWIFT.inner(value),
                )
        elif post.mime_type == "application/json":
            if js_truthy(post.json_obj):
                code.push(
                    "let parameters = " + literal_swift(post.json_obj, indent), "as [String : Any]"
                )
                code.blank().push(
                    "let postData = JSONSerialization.data(withJSONObject: parameters, options: [])"
                )
        elif post.mime_type == "multipart/form-data":
            fields = [{"name": n, "value": v} for n, v in post.params or []]
            code.push("let parameters = " + literal_swift(fields, indent)).blank()
            code.push('let boundary = "%s"', post.boundary).blank()
            code.push('var body = ""').push("var error: NSError? = nil").push(
                "for param in parameters {"
            )
            code.push(1, 'let paramName = param["name"]!')
            code.push(1, 'body += "--\\(boundary)\\r\\n"')
            code.push(1, 'body += "Content-Disposition:form-data; name=\\"\\(paramName)\\""')
            code.push(1, 'if let filename = param["fileName"] {')
            code.push(2, 'let contentType = param["content-type"]!')
            code.push(
                2,
                "let fileContent = String(contentsOfFile: filename, encoding: String.Encoding.utf8)",
            )
            code.push(2, "if (error != nil) {").push(3, "print(error)").push(2, "}")
            code.push(2, 'body += "; filename=\\"\\(filename)\\"\\r\\n"')
            code.push(2, 'body += "Content-Type: \\(contentType)\\r\\n\\r\\n"')
            code.push(2, "body += fileContent")
            code.push(1, '} else if let paramValue = param["value"] {')
            code.push(2, 'body += "\\r\\n\\r\\n\\(paramValue)"').push(1, "}").push("}")
        else:
            code.blank().push(
                'let postData = NSData(data: "%s".data(using: String.Encoding.utf8)!)',
                SWIFT.inner(js_string(post.text)),
            )
    code.blank().push(
        'let request = NSMutableURLRequest(url: NSURL(string: "%s")! as URL,',
        SWIFT.inner(source.full_url),
    )
    code.push("                                        cachePolicy: .useProtocolCachePolicy,")
    code.push("                                    timeoutInterval: 10.0)")
    code.push("request.httpMethod = %s", SWIFT.literal(source.method))
    if has_headers:
        code.push("request.allHTTPHeaderFields = headers")
    if has_body:
        code.push("request.httpBody = postData as Data")
    code.blank().push("let session = URLSession.shared")
    code.push(
        "let dataTask = session.dataTask(with: request as URLRequest, completionHandler: "
        "{ (data, response, error) -> Void in"
    )
    code.push(1, "if (error != nil) {").push(2, "print(error)").push(1, "} else {")
    code.push(2, "let httpResponse = response as? HTTPURLResponse").push(2, "print(httpResponse)")
    code.push(1, "}").push("})").blank().push("dataTask.resume()")
    return code.join()
