"""The only package that imports boto3: every AWS call the app makes goes through here."""
