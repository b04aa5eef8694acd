"""Words of the messages, Chinese by default (the readers are Chinese HR and benefits teams)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "new": "新增",
        "changed": "修改",
        "cosmetic": "格式调整",
        "removed": "删除",
        "moved": "迁移",
        "restored": "恢复",
        "reverted": "回退",
        "source": "来源",
        "region": "地区",
        "url": "链接",
        "new_url": "新链接",
        "type": "类型",
        "significance": "重要程度",
        "detected": "检测时间",
        "policy": "所属政策",
        "summary": "变更摘要",
        "diff": "差异摘录",
        "text": "正文摘录",
        "full_diff": "完整差异",
        "spam": "⚠ 站点可能被篡改：页面中检测到疑似垃圾或恶意内容，请先核实再转发。",
        "spam_short": "⚠ 站点可能被篡改",
        "more_lines": "……另有 {n} 项未显示",
        "more_events": "……另有 {n} 条变更未显示，请运行 regwatch changes 查看",
        "untitled": "（无标题）",
        "digest_title": "regwatch 变更汇总（{n} 条）",
        "digest_intro": "订阅 {sub} 自上次汇总以来的变更，按来源分组：",
        "events_count": "{n} 条",
        "test_title": "regwatch 测试消息",
        "test_body": "这是订阅 {sub} 的测试消息。收到即表示此通知渠道配置正确。",
    },
    "en": {
        "new": "New",
        "changed": "Changed",
        "cosmetic": "Cosmetic",
        "removed": "Removed",
        "moved": "Moved",
        "restored": "Restored",
        "reverted": "Reverted",
        "source": "Source",
        "region": "Region",
        "url": "URL",
        "new_url": "New URL",
        "type": "Type",
        "significance": "Significance",
        "detected": "Detected",
        "policy": "Policy",
        "summary": "Summary",
        "diff": "Diff excerpt",
        "text": "Text excerpt",
        "full_diff": "Full diff",
        "spam": "⚠ Site may be compromised: spam or injected content was detected on the page. "
        "Check it before forwarding.",
        "spam_short": "⚠ site may be compromised",
        "more_lines": "… {n} more not shown",
        "more_events": "… {n} more changes not shown; run regwatch changes",
        "untitled": "(untitled)",
        "digest_title": "regwatch digest ({n} changes)",
        "digest_intro": "Changes for subscription {sub} since the last digest, by source:",
        "events_count": "{n} changes",
        "test_title": "regwatch test message",
        "test_body": "Test message for subscription {sub}. If you read this, the channel works.",
    },
}


def label(language: str, key: str, **values: object) -> str:
    table = LABELS.get(language, LABELS["zh"])
    text = table.get(key, LABELS["zh"].get(key, key))
    return text.format(**values) if values else text
