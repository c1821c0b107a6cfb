import base64
import hashlib
import hmac
import json
import unittest

from tovplay_logging import sign_session_token

KEY = "a key only the backend and the app hold"


def b64decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionTokenTests(unittest.TestCase):
    def test_the_token_is_v1_payload_signature_with_an_hmac_of_the_first_two(self):
        token = sign_session_token(7, "noa", KEY, ttl_seconds=600, now=1796383800)

        version, payload, signature = token.split(".")
        self.assertEqual(version, "v1")
        self.assertEqual(json.loads(b64decode(payload)), {"sub": 7, "name": "noa", "exp": 1796384400})
        expected = hmac.new(KEY.encode(), f"v1.{payload}".encode(), hashlib.sha256).digest()
        self.assertEqual(b64decode(signature), expected)
        self.assertNotIn("=", token)

    def test_a_short_key_and_a_lifetime_over_a_day_are_refused(self):
        with self.assertRaises(ValueError):
            sign_session_token(7, "noa", "short")
        with self.assertRaises(ValueError):
            sign_session_token(7, "noa", KEY, ttl_seconds=10**8)


if __name__ == "__main__":
    unittest.main()
