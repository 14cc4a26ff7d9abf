"""Dictionary words match case-sensitively on word boundaries; case-only matches are reported."""

from studio.core.wordmatch import apply_rules, find_words, word_status

RULES = [("MySQL", "my sequel"), ("SQL", "sequel"), ("C++", "see plus plus")]


def test_exact_and_case_only_matches() -> None:
    """'MySQL' applies; 'mysql' is found but flagged as not applying; 'SQL' inside MySQL is not."""
    found = find_words("I use MySQL and mysql and SQL, not MySQLite.", RULES)
    assert [(m.found, m.word, m.exact) for m in found] == [
        ("MySQL", "MySQL", True),
        ("mysql", "MySQL", False),
        ("SQL", "SQL", True),
    ]


def test_apply_uses_the_same_rules() -> None:
    """Applying rules replaces exactly the exact matches."""
    assert apply_rules("MySQL, mysql, SQL and C++.", RULES) == (
        "my sequel, mysql, sequel and see plus plus."
    )


def test_word_status() -> None:
    """present / case_differs (with the spelling in the text) / absent."""
    assert word_status("We love MySQL.", "MySQL") == ("present", "MySQL")
    assert word_status("we love mysql.", "MySQL") == ("case_differs", "mysql")
    assert word_status("we love postgres.", "MySQL") == ("absent", "")


def test_unicode_words() -> None:
    """Non-ASCII words match on their own boundaries."""
    rules = [("Zoë", "zo-ee"), ("नमस्ते", "namaste")]
    assert apply_rules("Hi Zoë! नमस्ते.", rules) == "Hi zo-ee! namaste."
    assert word_status("hi ZOË", "Zoë") == ("case_differs", "ZOË")
