"""The floor: the least a Flask app can do for the register's pages, to read the app's figures against."""
