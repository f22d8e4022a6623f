//! A counterexample's request in words, in Vietnamese and English. (Words for people are
//! the tool's: the library's Rust holds no Vietnamese text, tests/integration/law_in_packs.rs.)

use lgsp_policy::prove::AccessCounterexample;
use serde_json::Value;

/// The request of a counterexample in Vietnamese and English, for a person.
pub fn describe(access: &AccessCounterexample) -> (String, String) {
    let world = &serde_json::to_value(&access.world).unwrap_or(Value::Null);
    let request = &serde_json::to_value(&access.request).unwrap_or(Value::Null);
    let s = |v: &Value, p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let b = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_bool).unwrap_or(false);
    let agency = |id: &str| {
        world
            .get("agencies")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|x| x.get("id").and_then(Value::as_str) == Some(id))
            })
            .map(|x| format!("{id} ({})", s(x, "/kind")))
            .unwrap_or_else(|| id.to_owned())
    };
    let account = world.pointer("/accounts/0").cloned().unwrap_or(Value::Null);
    let dataset = world.pointer("/datasets/0").cloned().unwrap_or(Value::Null);
    let database = world
        .pointer("/databases/0")
        .cloned()
        .unwrap_or(Value::Null);
    let (holder, issuer) = (
        agency(&s(&account, "/holder")),
        agency(&s(&account, "/issuer")),
    );
    let provider = agency(&s(&database, "/manager"));
    let action = s(request, "/action");
    let verb_vi = match action.as_str() {
        "query" => "truy vấn",
        "download" => "tải về",
        "subscribe" => "đăng ký đồng bộ",
        _ => "khai thác",
    };
    let published = dataset.get("published").and_then(Value::as_str);
    let evaluated = database.get("last_evaluated").and_then(Value::as_str);
    let yes = |x: bool, vi: bool| match (x, vi) {
        (true, true) => "có",
        (false, true) => "không",
        (true, false) => "yes",
        (false, false) => "no",
    };
    let agreement = world.pointer("/agreements/0");
    let agreement_text = |vi: bool| match agreement {
        None => {
            if vi {
                "không có".to_owned()
            } else {
                "none".to_owned()
            }
        }
        Some(a) => {
            let list = |p: &str| {
                a.get(p)
                    .and_then(Value::as_array)
                    .map(|xs| {
                        xs.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            };
            let end = a.pointer("/term/end").and_then(Value::as_str);
            if vi {
                format!(
                    "cex.agreement, trạng thái {}, hiệu lực từ {}{}, bộ dữ liệu [{}], mục đích [{}], phương thức [{}]",
                    s(a, "/status"),
                    s(a, "/term/start"),
                    end.map(|e| format!(" đến trước {e}"))
                        .unwrap_or_else(|| " (không thời hạn)".into()),
                    list("datasets"),
                    list("purposes"),
                    list("methods")
                )
            } else {
                format!(
                    "cex.agreement, status {}, term from {}{}, datasets [{}], purposes [{}], methods [{}]",
                    s(a, "/status"),
                    s(a, "/term/start"),
                    end.map(|e| format!(" until {e}"))
                        .unwrap_or_else(|| " (no end)".into()),
                    list("datasets"),
                    list("purposes"),
                    list("methods")
                )
            }
        }
    };
    let vi = format!(
        "Tài khoản cex.account của {holder}, do {issuer} cấp (xác thực: {}), {verb_vi} bộ dữ liệu cex.dataset (loại {}, {}dữ liệu cá nhân, {}) của {provider} (cơ sở dữ liệu {}), qua kênh {}, mục đích `{}`, lúc {}; đã xác thực: {}; theo đề nghị của chủ thể dữ liệu: {}; thỏa thuận: {}.",
        s(&account, "/authentication"),
        s(&dataset, "/class"),
        if b(&dataset, "/personal_data") {
            "có "
        } else {
            "không có "
        },
        published
            .map(|d| format!("công bố ngày {d}"))
            .unwrap_or_else(|| "chưa công bố".into()),
        evaluated
            .map(|d| format!("đánh giá ngày {d}"))
            .unwrap_or_else(|| "chưa từng được đánh giá".into()),
        s(request, "/channel"),
        s(request, "/purpose"),
        s(request, "/at"),
        yes(b(request, "/authenticated"), true),
        yes(b(request, "/subject_requested"), true),
        agreement_text(true),
    );
    let en = format!(
        "Account cex.account of {holder}, issued by {issuer} (authentication: {}), asks to {action} dataset cex.dataset (class {}, {}personal data, {}) of {provider} (database {}), through channel {}, for purpose `{}`, at {}; authenticated: {}; at the data subject's request: {}; agreement: {}.",
        s(&account, "/authentication"),
        s(&dataset, "/class"),
        if b(&dataset, "/personal_data") {
            ""
        } else {
            "no "
        },
        published
            .map(|d| format!("published {d}"))
            .unwrap_or_else(|| "never published".into()),
        evaluated
            .map(|d| format!("evaluated {d}"))
            .unwrap_or_else(|| "never evaluated".into()),
        s(request, "/channel"),
        s(request, "/purpose"),
        s(request, "/at"),
        yes(b(request, "/authenticated"), false),
        yes(b(request, "/subject_requested"), false),
        agreement_text(false),
    );
    (vi, en)
}
