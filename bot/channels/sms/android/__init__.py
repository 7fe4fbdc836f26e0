"""SMS Gateway for Android: phones with a local SIM as SMS routes (REST API out, signed webhooks
in), beside Twilio in the SMS channel."""
